import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../src/config.js';
import { forbiddenAddressReason } from '../../src/outbound/addresses.js';
import {
  checkOutboundDestination, OutboundRefused, sendOutbound, type OutboundPolicy,
} from '../../src/outbound/client.js';
import { takeRefused } from '../helpers/no-outbound.js';

const strict: OutboundPolicy = { allowLoopbackForTests: false };
const localReceiver: OutboundPolicy = { allowLoopbackForTests: true };

async function refusal(url: string, policy: OutboundPolicy): Promise<OutboundRefused> {
  try {
    await checkOutboundDestination(url, policy);
  } catch (err) {
    if (err instanceof OutboundRefused) return err;
    throw err;
  }
  throw new Error(`${url} was accepted`);
}

describe('outbound safety: URLs someone else chose', function () {
  let server: Server;
  let port: number;
  const hits: string[] = [];
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end('ok');

  before(async () => {
    server = createServer((req, res) => {
      hits.push(req.url ?? '');
      handler(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    hits.length = 0;
    handler = (_req, res) => res.end('ok');
  });

  it('classifies loopback, private, link-local, unspecified and metadata addresses, v4, v6 and v4-mapped', () => {
    expect(forbiddenAddressReason('127.0.0.1')).to.equal('loopback');
    expect(forbiddenAddressReason('10.0.0.1')).to.equal('private');
    expect(forbiddenAddressReason('172.20.1.1')).to.equal('private');
    expect(forbiddenAddressReason('192.168.1.1')).to.equal('private');
    expect(forbiddenAddressReason('169.254.169.254')).to.equal('metadata');
    expect(forbiddenAddressReason('169.254.10.1')).to.equal('link-local');
    expect(forbiddenAddressReason('0.0.0.0')).to.equal('unspecified');
    expect(forbiddenAddressReason('::1')).to.equal('loopback');
    expect(forbiddenAddressReason('::')).to.equal('unspecified');
    expect(forbiddenAddressReason('fd00:ec2::254')).to.equal('metadata');
    expect(forbiddenAddressReason('fd12:3456::1')).to.equal('private');
    expect(forbiddenAddressReason('fe80::1')).to.equal('link-local');
    expect(forbiddenAddressReason('::ffff:10.0.0.1')).to.equal('private');
    expect(forbiddenAddressReason('::ffff:127.0.0.1')).to.equal('loopback');
    expect(forbiddenAddressReason('93.184.216.34')).to.equal(undefined);
    expect(forbiddenAddressReason('2606:4700::1111')).to.equal(undefined);
    expect(forbiddenAddressReason('172.32.0.1')).to.equal(undefined);
  });

  for (const [url, reason] of [
    ['https://127.0.0.1/hook', 'loopback'],
    ['https://10.0.0.1/hook', 'private'],
    ['https://169.254.169.254/latest/meta-data', 'metadata'],
    ['https://[::1]/hook', 'loopback'],
    ['https://[fd00:ec2::254]/', 'metadata'],
    ['https://0.0.0.0/', 'unspecified'],
  ] as const) {
    it(`refuses ${url} before sending anything (${reason})`, async () => {
      const err = await refusal(url, strict);
      expect(err.reason).to.equal('forbidden_address');
      expect(err.message).to.include(reason);
      const sent = await sendOutbound(strict, { url, body: '{}' });
      expect(sent).to.deep.include({ kind: 'refused', reason: 'forbidden_address' });
    });
  }

  it('refuses a host name resolving to a private address, and localhost', async () => {
    const resolve = async (host: string) => (host === 'intranet.example' ? [{ address: '10.20.30.40', family: 4 }] : []);
    const err = await refusal('https://intranet.example/hook', { ...strict, resolve });
    expect(err.message).to.equal('has a host name that resolves to a private address');
    // One forbidden address among public ones refuses the name: a connection may pick any of them.
    const mixed = async () => [{ address: '93.184.216.34', family: 4 }, { address: '192.168.0.7', family: 4 }];
    expect((await refusal('https://mixed.example/', { ...strict, resolve: mixed })).reason).to.equal('forbidden_address');
    expect((await refusal(`https://localhost:${port}/`, strict)).message).to.match(/resolves to a loopback address/);
    expect((await sendOutbound(strict, { url: `https://localhost:${port}/`, body: '{}' })).kind).to.equal('refused');
    expect(hits).to.have.length(0);
  });

  it('checks the address again when connecting, so a name that rebinds to a forbidden address after the check is refused', async () => {
    let lookups = 0;
    const rebinding = async () => {
      lookups += 1;
      return lookups === 1 ? [{ address: '93.184.216.34', family: 4 }] : [{ address: '127.0.0.1', family: 4 }];
    };
    // The name is `localhost` only because the test harness lets no other name reach a connection; the
    // resolver decides what it resolves to.
    const policy = { ...strict, resolve: rebinding };
    await checkOutboundDestination(`https://localhost:${port}/hook`, policy);
    const sent = await sendOutbound(policy, { url: `https://localhost:${port}/hook`, body: '{}' });
    expect(sent).to.deep.include({ kind: 'refused', reason: 'forbidden_address' });
    expect(lookups).to.equal(2);
    expect(hits).to.have.length(0);
  });

  it('refuses plain http, URLs with credentials and non-URLs', async () => {
    expect((await refusal('http://example.com/hook', strict)).reason).to.equal('not_https');
    expect((await refusal('ftp://example.com/hook', strict)).reason).to.equal('not_https');
    expect((await refusal('https://user:pw@example.com/hook', strict)).reason).to.equal('credentials_in_url');
    expect((await refusal('not a url', strict)).reason).to.equal('invalid_url');
    // The test allowance opens plain http to loopback only; private and metadata addresses stay refused.
    expect((await refusal(`http://10.0.0.1:${port}/`, localReceiver)).reason).to.equal('not_https');
    expect((await refusal('http://169.254.169.254/', localReceiver)).reason).to.equal('not_https');
    expect((await refusal('https://169.254.169.254/', localReceiver)).message).to.include('metadata');
    expect((await refusal('https://[::ffff:10.0.0.1]/', localReceiver)).message).to.include('private');
  });

  it('does not follow a redirect to a private or metadata address (the receiver is asked once, nothing else is reached)', async () => {
    handler = (_req, res) => {
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/iam' });
      res.end();
    };
    const sent = await sendOutbound(localReceiver, { url: `http://127.0.0.1:${port}/hook`, body: '{}' });
    expect(sent).to.deep.include({ kind: 'response', status: 302 });
    expect(hits).to.deep.equal(['/hook']);
    expect(takeRefused()).to.deep.equal([]);
    handler = (_req, res) => {
      res.writeHead(307, { location: 'http://10.0.0.1/' });
      res.end();
    };
    expect(await sendOutbound(localReceiver, { url: `http://127.0.0.1:${port}/hook`, body: '{}' })).to.deep.include({ status: 307 });
    expect(hits).to.have.length(2);
  });

  it('caps the response it reads and times out a receiver that does not answer', async () => {
    handler = (_req, res) => res.end('x'.repeat(200 * 1024));
    expect(await sendOutbound({ ...localReceiver, maxResponseBytes: 64 * 1024 }, { url: `http://127.0.0.1:${port}/big`, body: '{}' }))
      .to.deep.equal({ kind: 'too_large' });
    handler = () => undefined;
    const started = Date.now();
    expect(await sendOutbound({ ...localReceiver, timeoutMs: 300 }, { url: `http://127.0.0.1:${port}/slow`, body: '{}' }))
      .to.deep.equal({ kind: 'timeout' });
    expect(Date.now() - started).to.be.below(5000);
  });

  it('delivers to a local receiver only under the test-only setting, which production refuses', async () => {
    const sent = await sendOutbound(localReceiver, { url: `http://127.0.0.1:${port}/ok`, body: '{"a":1}', headers: { 'content-type': 'application/json' } });
    expect(sent).to.deep.include({ kind: 'response', status: 200, body: 'ok' });
    expect((await sendOutbound(strict, { url: `http://127.0.0.1:${port}/ok`, body: '{}' })).kind).to.equal('refused');
    expect(() => loadConfig({ NODE_ENV: 'production', OUTBOUND_ALLOW_LOOPBACK_FOR_TESTS: 'true', JWT_SECRET_KEY: 'k' }))
      .to.throw(ConfigError, /OUTBOUND_ALLOW_LOOPBACK_FOR_TESTS: a test-only setting, refused in production/);
    expect(loadConfig({ JWT_SECRET_KEY: 'k' }).outboundAllowLoopbackForTests).to.equal(false);
  });
});
