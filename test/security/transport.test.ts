import { expect } from 'chai';
import type { RunningApi } from '../../src/api/server.js';
import { startTestApi } from '../helpers/api.js';
import { deleteRedisKeys, testRun } from '../helpers/test-env.js';

const ALLOWED = 'https://app.hool.gg';
const ALSO_ALLOWED = 'http://localhost:3000';

describe('CORS', () => {
  let api: RunningApi;
  before(async () => {
    api = await startTestApi({ CORS_ORIGINS: `${ALLOWED}, ${ALSO_ALLOWED}` });
  });
  after(async () => {
    await api.close();
  });

  const paths = ['/health', '/guilds/1/progress/characters', '/guilds/1/progress/members', '/webhooks/guild-api'];

  it('gives an allowed origin its own origin back, with credentials', async () => {
    for (const origin of [ALLOWED, ALSO_ALLOWED]) {
      for (const path of paths) {
        const res = await fetch(`${api.url}${path}`, { headers: { origin } });
        await res.body?.cancel();
        expect(res.headers.get('access-control-allow-origin'), `${origin} ${path}`).to.equal(origin);
        expect(res.headers.get('access-control-allow-credentials'), `${origin} ${path}`).to.equal('true');
      }
    }
  });

  it('gives any other origin no Access-Control-Allow-Origin and no credentials', async () => {
    const hostile = [
      'https://evil.example',
      'https://app.hool.gg.evil.example',
      'https://evil-app.hool.gg',
      'http://app.hool.gg',
      'https://APP.HOOL.GG',
      'null',
      `${ALLOWED}/`,
      `${ALLOWED}, https://evil.example`,
      '*',
    ];
    for (const origin of hostile) {
      for (const path of paths) {
        const res = await fetch(`${api.url}${path}`, { headers: { origin } });
        await res.body?.cancel();
        expect(res.headers.get('access-control-allow-origin'), `${origin} ${path}`).to.equal(null);
        expect(res.headers.get('access-control-allow-credentials'), `${origin} ${path}`).to.equal(null);
      }
    }
  });

  it('answers a preflight from an allowed origin and gives a foreign preflight nothing to go on', async () => {
    const preflight = (origin: string) =>
      fetch(`${api.url}/guilds/1/progress/message`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type' },
      });
    const good = await preflight(ALLOWED);
    await good.body?.cancel();
    expect(good.headers.get('access-control-allow-origin')).to.equal(ALLOWED);
    expect(good.headers.get('access-control-allow-methods')).to.contain('PUT');
    expect(good.headers.get('access-control-allow-credentials')).to.equal('true');

    const bad = await preflight('https://evil.example');
    await bad.body?.cancel();
    expect(bad.headers.get('access-control-allow-origin')).to.equal(null);
    expect(bad.headers.get('access-control-allow-credentials')).to.equal(null);
  });

  it('never answers with a wildcard origin', async () => {
    const res = await fetch(`${api.url}/health`, { headers: { origin: ALLOWED } });
    await res.body?.cancel();
    expect(res.headers.get('access-control-allow-origin')).to.not.equal('*');
  });
});

describe('HTTPS behind a proxy (FORCE_HTTPS, TRUST_PROXY)', () => {
  describe('with FORCE_HTTPS and TRUST_PROXY on', () => {
    let api: RunningApi;
    before(async () => {
      api = await startTestApi({ FORCE_HTTPS: 'true', TRUST_PROXY: 'true' });
    });
    after(async () => {
      await api.close();
    });

    it('refuses a forwarded plain-http request with 403 https_required and the error body', async () => {
      for (const path of ['/guilds/1/progress/characters', '/guilds/1/progress/members', '/guilds/1/progress/roadmap', '/webhooks/guild-api', '/admin/queues', '/openapi.json']) {
        const res = await fetch(`${api.url}${path}`, { headers: { 'x-forwarded-proto': 'http' } });
        expect(res.status, path).to.equal(403);
        expect(await res.json(), path).to.deep.equal({ error: 'HTTPS is required', code: 'https_required' });
        expect(res.headers.get('strict-transport-security'), path).to.match(/max-age=\d{7,}/);
      }
    });

    it('refuses a request with no forwarded protocol at all (it did not come through the TLS proxy)', async () => {
      const res = await fetch(`${api.url}/guilds/1/progress/characters`);
      expect(res.status).to.equal(403);
      expect(await res.json()).to.deep.include({ code: 'https_required' });
    });

    it('refuses a write over plain http before looking at the body', async () => {
      const res = await fetch(`${api.url}/guilds/1/progress/message`, {
        method: 'PUT',
        headers: { 'x-forwarded-proto': 'http', 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'hello' }),
      });
      expect(res.status).to.equal(403);
      expect(await res.json()).to.deep.include({ code: 'https_required' });
    });

    it('lets a forwarded https request through, with HSTS', async () => {
      const res = await fetch(`${api.url}/guilds/1/progress/characters`, { headers: { 'x-forwarded-proto': 'https' } });
      await res.body?.cancel();
      expect(res.status).to.not.equal(403);
      expect(res.headers.get('strict-transport-security')).to.match(/max-age=\d{7,}/);
    });

    it('keeps probes and metrics reachable over plain http, still with HSTS', async () => {
      for (const path of ['/health', '/ready', '/metrics']) {
        const res = await fetch(`${api.url}${path}`, { headers: { 'x-forwarded-proto': 'http' } });
        await res.body?.cancel();
        expect(res.status, path).to.equal(200);
        expect(res.headers.get('strict-transport-security'), path).to.match(/max-age=/);
      }
    });

    it('answers a Prometheus scrape from inside the network (plain http, no proxy) with the metrics', async () => {
      const res = await fetch(`${api.url}/metrics`);
      expect(res.status).to.equal(200);
      expect(await res.text()).to.match(/^# HELP /m);
    });
  });

  describe('with FORCE_HTTPS on and TRUST_PROXY off', () => {
    let api: RunningApi;
    before(async () => {
      api = await startTestApi({ FORCE_HTTPS: 'true', TRUST_PROXY: 'false' });
    });
    after(async () => {
      await api.close();
    });

    it('does not believe X-Forwarded-Proto: https from an untrusted hop', async () => {
      const res = await fetch(`${api.url}/guilds/1/progress/characters`, { headers: { 'x-forwarded-proto': 'https' } });
      expect(res.status).to.equal(403);
      expect(await res.json()).to.deep.include({ code: 'https_required' });
    });
  });

  describe('with FORCE_HTTPS off', () => {
    let api: RunningApi;
    before(async () => {
      api = await startTestApi({ FORCE_HTTPS: 'false', TRUST_PROXY: 'false' });
    });
    after(async () => {
      await api.close();
    });

    it('serves plain http and sends no HSTS (it would pin a host that has no TLS)', async () => {
      const res = await fetch(`${api.url}/health`, { headers: { 'x-forwarded-proto': 'http' } });
      await res.body?.cancel();
      expect(res.status).to.equal(200);
      expect(res.headers.get('strict-transport-security')).to.equal(null);
    });
  });
});

describe('forwarded client addresses (X-Forwarded-For)', () => {
  const burst = async (url: string, addresses: string[]) => {
    const statuses: number[] = [];
    for (const address of addresses) {
      const res = await fetch(`${url}/guilds/1/progress/roadmap`, { headers: { 'x-forwarded-for': address } });
      await res.body?.cancel();
      statuses.push(res.status);
    }
    return statuses;
  };
  const addresses = ['203.0.113.1', '203.0.113.2', '203.0.113.3', '203.0.113.4', '203.0.113.5'];

  it('ignores X-Forwarded-For without TRUST_PROXY: a client cannot buy a fresh rate-limit budget by spoofing it', async () => {
    const api = await startTestApi({ TRUST_PROXY: 'false', RATE_LIMIT_PER_MINUTE: '3', REDIS_PREFIX: `${testRun.redisPrefix}_xff_off` });
    try {
      const statuses = await burst(api.url, addresses);
      expect(statuses.slice(0, 3)).to.deep.equal([401, 401, 401]);
      expect(statuses.slice(3)).to.deep.equal([429, 429]);
    } finally {
      await api.close();
      await deleteRedisKeys(`${testRun.redisPrefix}_xff_off`);
    }
  });

  it('believes X-Forwarded-For behind a trusted proxy: each client address has its own budget', async () => {
    const api = await startTestApi({ TRUST_PROXY: 'true', RATE_LIMIT_PER_MINUTE: '3', REDIS_PREFIX: `${testRun.redisPrefix}_xff_on` });
    try {
      expect(await burst(api.url, addresses)).to.deep.equal([401, 401, 401, 401, 401]);
    } finally {
      await api.close();
      await deleteRedisKeys(`${testRun.redisPrefix}_xff_on`);
    }
  });
});
