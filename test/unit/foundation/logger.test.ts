import { Writable } from 'node:stream';
import { expect } from 'chai';
import { createLogger } from '../../../src/logger.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'info', destination }) };
}

describe('logger redaction', () => {
  const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJibmV0X2lkIjoxfQ.c2lnbmF0dXJl';
  const secret = 'super-secret-client-secret';

  it('never writes an Authorization header, cookie, set-cookie or token of a logged request', () => {
    const { lines, logger } = capture();
    logger.info({
      req: { method: 'GET', url: '/x', headers: { authorization: `Bearer ${jwt}`, cookie: `access_token=${jwt}`, 'user-agent': 'test' } },
      res: { headers: { 'set-cookie': `access_token=${jwt}` } },
      token: jwt,
    }, 'request');
    const text = lines.join('\n');
    expect(text).not.to.contain(jwt);
    expect(text).to.contain('[redacted]');
    expect(text).to.contain('user-agent');
  });

  it('scrubs secrets nested in objects and child-logger bindings', () => {
    const { lines, logger } = capture();
    const child = logger.child({ requestId: 'r1' });
    child.info({ blizzard: { clientId: 'id', clientSecret: secret, client_secret: secret }, config: { webhookSecret: secret, jwtSecretKey: secret } }, 'config');
    child.info({ headers: { Authorization: `Basic ${secret}`, authorization: `Basic ${secret}` } }, 'call');
    const text = lines.join('\n');
    expect(text).not.to.contain(secret);
    expect(text).to.contain('"requestId":"r1"');
  });

  it('writes JSON lines with an ISO time and a level label', () => {
    const { lines, logger } = capture();
    logger.warn('hello');
    const entry = JSON.parse(lines[0] as string) as Record<string, unknown>;
    expect(entry.level).to.equal('warn');
    expect(entry.msg).to.equal('hello');
    expect(String(entry.time)).to.match(/^\d{4}-\d{2}-\d{2}T/);
  });
});
