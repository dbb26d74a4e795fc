import { expect } from 'chai';
import type { RunningApi } from '../../../src/api/server.js';
import { startTestApi } from '../../helpers/api.js';

describe('GET /health, /ready and /metrics', () => {
  let api: RunningApi;
  before(async () => {
    api = await startTestApi();
  });
  after(async () => {
    await api.close();
  });

  it('reports healthy with the exact documented shape when Postgres and Redis answer', async () => {
    const res = await fetch(`${api.url}/health`);
    expect(res.status).to.equal(200);
    const body = (await res.json()) as Record<string, string>;
    expect(Object.keys(body).sort()).to.deep.equal(['database', 'redis', 'service', 'status', 'timestamp']);
    expect(body).to.include({ status: 'healthy', service: 'progress-api', database: 'connected', redis: 'connected' });
    expect(new Date(body.timestamp as string).toISOString()).to.equal(body.timestamp);
  });

  it('answers /ready with 200 while it can serve', async () => {
    const res = await fetch(`${api.url}/ready`);
    expect(res.status).to.equal(200);
    expect(await res.json()).to.deep.equal({ ready: true });
  });

  it('exports Prometheus metrics with the request histogram labelled by route template', async () => {
    await fetch(`${api.url}/health`);
    const text = await (await fetch(`${api.url}/metrics`)).text();
    expect(text).to.match(/http_request_duration_seconds_bucket\{[^}]*route="\/health"[^}]*\}/);
    expect(text).to.contain('process_resident_memory_bytes');
    expect(text).to.contain('progress_db_pool_in_use');
  });
});

describe('error bodies', () => {
  let api: RunningApi;
  before(async () => {
    api = await startTestApi();
  });
  after(async () => {
    await api.close();
  });

  it('gives an unknown route 404 with the documented error body', async () => {
    const res = await fetch(`${api.url}/no/such/route`);
    expect(res.status).to.equal(404);
    expect(await res.json()).to.deep.equal({ error: 'Not found', code: 'not_found' });
  });

  // Malformed and oversized bodies on routes that take one are covered with those routes (message, webhooks).
  it('never reads a body sent to a route that takes none: malformed or oversized, POST /health is 405', async () => {
    for (const body of ['{"a":', JSON.stringify({ message: 'x'.repeat(20 * 1024) })]) {
      const res = await fetch(`${api.url}/health`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(res.status).to.equal(405);
      expect(res.headers.get('allow')).to.match(/GET/);
      expect(await res.json()).to.include({ code: 'method_not_allowed' });
    }
  });

  it('gives a wrong method on a known route 405 with an Allow header', async () => {
    const res = await fetch(`${api.url}/health`, { method: 'DELETE' });
    expect(res.status).to.equal(405);
    expect(res.headers.get('allow')).to.contain('GET');
    expect(await res.json()).to.deep.include({ code: 'method_not_allowed' });
  });

  it('sets security headers and a request id on every response', async () => {
    const res = await fetch(`${api.url}/health`, { headers: { 'x-request-id': 'abc-123' } });
    expect(res.headers.get('x-content-type-options')).to.equal('nosniff');
    expect(res.headers.get('x-frame-options')).to.equal('DENY');
    expect(res.headers.get('x-request-id')).to.equal('abc-123');
  });
});
