import { expect } from 'chai';
import { HeldBodies } from '../../../src/api/cached-reads/held-bodies.js';
import { ParsedByBytes } from '../../../src/api/cached-reads/parsed-by-bytes.js';
import { encodeEntry, splitEntry, storedJson } from '../../../src/cache/response-cache.js';

describe('what the cached reads keep in memory', () => {
  describe('ParsedByBytes', () => {
    it('parses a value once while its bytes stay the same, again when they change, per key', () => {
      let calls = 0;
      const parsed = new ParsedByBytes((raw) => {
        calls += 1;
        return JSON.parse(raw.toString('utf8')) as { n: number };
      });
      expect(parsed.of('a', Buffer.from('{"n":1}')).n).to.equal(1);
      expect(parsed.of('a', Buffer.from('{"n":1}')).n).to.equal(1);
      expect(calls).to.equal(1);
      expect(parsed.of('a', Buffer.from('{"n":2}')).n).to.equal(2);
      expect(parsed.of('b', Buffer.from('{"n":2}')).n).to.equal(2);
      expect(calls).to.equal(3);
    });

    it('keeps a copy, so a reply buffer reused afterwards cannot change what was remembered', () => {
      const parsed = new ParsedByBytes((raw) => raw.toString('utf8'));
      const reply = Buffer.from('same');
      parsed.of('k', reply);
      reply.write('diff');
      expect(parsed.of('k', Buffer.from('same'))).to.equal('same');
      expect(parsed.of('k', reply)).to.equal('diff');
    });

    it('drops everything once it holds its limit of keys', () => {
      let calls = 0;
      const parsed = new ParsedByBytes(() => (calls += 1), 2);
      parsed.of('a', Buffer.from('1'));
      parsed.of('b', Buffer.from('1'));
      parsed.of('c', Buffer.from('1'));
      expect(calls).to.equal(3);
      parsed.of('c', Buffer.from('1'));
      expect(calls, 'the newest key is kept').to.equal(3);
      parsed.of('a', Buffer.from('1'));
      expect(calls, 'older keys were dropped').to.equal(4);
    });
  });

  describe('HeldBodies', () => {
    const entry = (text: string, expiresAt = 1000) => {
      const body = storedJson({ text });
      const raw = encodeEntry(body, expiresAt);
      const parts = splitEntry(raw)!;
      return { raw, parts };
    };
    const keep = (held: HeldBodies, line: string, text: string) => {
      const { raw, parts } = entry(text);
      return held.keep(line, raw, parts.headerEnd, parts.body, parts.expiresAt);
    };

    it("holds a body with its entry's header line and expiry, copied out of the reply", () => {
      const held = new HeldBodies(1024);
      const { raw, parts } = entry('one', 5000);
      const copy = held.keep('/x?', raw, parts.headerEnd, parts.body, parts.expiresAt);
      expect(copy.header).to.equal(`5000 ${parts.body.etag}\n`);
      expect(copy.expiresAt).to.equal(5000);
      raw.fill(0);
      expect(JSON.parse(held.get('/x?')!.body.bytes.toString('utf8'))).to.deep.equal({ text: 'one' });
      expect(held.size()).to.equal(parts.body.bytes.length);
    });

    it('stays within its byte budget, dropping the oldest first, and never holds a body larger than the budget', () => {
      const size = storedJson({ text: 'aaaa' }).bytes.length;
      const held = new HeldBodies(size * 2);
      keep(held, 'a', 'aaaa');
      keep(held, 'b', 'bbbb');
      keep(held, 'c', 'cccc');
      expect(held.get('a'), 'the oldest went').to.equal(undefined);
      expect(held.get('b')).to.not.equal(undefined);
      expect(held.get('c')).to.not.equal(undefined);
      expect(held.size()).to.equal(size * 2);
      const big = keep(held, 'big', 'x'.repeat(size * 3));
      expect(big.body.bytes.length).to.be.greaterThan(size * 2);
      expect(held.get('big'), 'served once, not held').to.equal(undefined);
      expect(held.size()).to.be.at.most(size * 2);
    });

    it('replaces the copy of a line, and drop forgets it', () => {
      const held = new HeldBodies(1024);
      keep(held, 'a', 'one');
      keep(held, 'a', 'two');
      expect(JSON.parse(held.get('a')!.body.bytes.toString('utf8')).text).to.equal('two');
      expect(held.size()).to.equal(storedJson({ text: 'two' }).bytes.length);
      held.drop('a');
      expect(held.get('a')).to.equal(undefined);
      expect(held.size()).to.equal(0);
    });
  });
});
