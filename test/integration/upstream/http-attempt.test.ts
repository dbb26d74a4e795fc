import { expect } from 'chai';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '../../../src/logger.js';
import { attempt } from '../../../src/upstream/http.js';

const logger = createLogger({ level: 'silent' });

describe('attempt (one upstream HTTP exchange)', () => {
  let server: Server;
  let url = '';
  let handle: (req: IncomingMessage, body: string, res: ServerResponse) => void = (_req, _body, res) => res.end();

  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => handle(req, body, res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends the query, form and JSON bodies with their types and lengths, and reads a multi-byte body whole', async () => {
    const seen: Array<{ url?: string; headers: IncomingMessage['headers']; body: string }> = [];
    const reply = 'é'.repeat(40_000);
    handle = (req, body, res) => {
      seen.push({ url: req.url, headers: req.headers, body });
      res.writeHead(200, { 'last-modified': 'Tue, 01 Dec 2026 00:00:00 GMT' }).end(reply);
    };
    const get = await attempt('test', logger, { method: 'GET', url: `${url}/a?x=1`, searchParams: { namespace: 'profile-eu', locale: 'en_US' }, timeoutMs: 2000 });
    await attempt('test', logger, { method: 'POST', url: `${url}/token`, form: { grant_type: 'client_credentials' }, timeoutMs: 2000 });
    await attempt('test', logger, { method: 'POST', url: `${url}/graphql`, headers: { authorization: 'Bearer t' }, json: { query: '{ a }' }, timeoutMs: 2000 });

    expect(get).to.deep.include({ kind: 'response', status: 200, body: reply });
    expect(get.kind === 'response' && get.headers['last-modified']).to.equal('Tue, 01 Dec 2026 00:00:00 GMT');
    expect(seen[0]?.url).to.equal('/a?x=1&namespace=profile-eu&locale=en_US');
    expect(seen[0]?.headers['user-agent']).to.equal('progress-api');
    expect(seen[1]).to.deep.include({ body: 'grant_type=client_credentials' });
    expect(seen[1]?.headers).to.include({ 'content-type': 'application/x-www-form-urlencoded', 'content-length': '29' });
    expect(seen[2]).to.deep.include({ body: '{"query":"{ a }"}' });
    expect(seen[2]?.headers).to.include({ 'content-type': 'application/json', authorization: 'Bearer t' });
  });

  it('times out a body that stops halfway, since the timeout covers the whole exchange', async () => {
    handle = (_req, _body, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('{"partial":');
    };
    const started = Date.now();
    expect(await attempt('test', logger, { method: 'GET', url: `${url}/slow`, timeoutMs: 200 })).to.deep.equal({ kind: 'timeout' });
    expect(Date.now() - started).to.be.within(150, 1500);
  });

  it('reports a connection dropped mid-body, a refused connection and a bad URL as network failures', async () => {
    handle = (_req, _body, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('{"partial":', () => res.socket?.destroy());
    };
    expect(await attempt('test', logger, { method: 'GET', url: `${url}/drop`, timeoutMs: 2000 })).to.deep.equal({ kind: 'network', code: 'ECONNRESET' });

    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await attempt('test', logger, { method: 'GET', url: `http://127.0.0.1:${port}/`, timeoutMs: 2000 })).to.deep.equal({ kind: 'network', code: 'ECONNREFUSED' });
    expect(await attempt('test', logger, { method: 'GET', url: 'not a url', timeoutMs: 2000 })).to.deep.equal({ kind: 'network', code: 'ERR_INVALID_URL' });
  });
});
