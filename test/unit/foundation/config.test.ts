import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../../src/config.js';

const minimal = { JWT_SECRET_KEY: 'k' };

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const c = loadConfig(minimal);
    expect(c.port).to.equal(5001);
    expect(c.workerPort).to.equal(5002);
    expect(c.redisUrl).to.equal('redis://127.0.0.1:6379');
    expect(c.databaseUrl).to.equal('postgresql://postgres@127.0.0.1:5432/test');
    expect(c.blizzard.region).to.equal('us');
    expect(c.blizzard.timeoutMs).to.equal(10000);
    expect(c.blizzard.apiBaseUrl).to.equal('https://{region}.api.blizzard.com');
    expect(c.blizzard.oauthUrl).to.equal('https://oauth.battle.net/token');
    expect(c.warcraftlogs.apiUrl).to.equal('https://www.warcraftlogs.com/api/v2/client');
    expect(c.corsOrigins).to.deep.equal(['http://localhost:3000']);
    expect(c.characterCacheTtl).to.equal(3600);
    expect(c.rateLimitPerMinute).to.equal(300);
    expect(c.jwtAccessTokenExpires).to.equal(900);
    expect(c.jwtRefreshTokenExpires).to.equal(604800);
    expect(c.forceHttps).to.equal(false);
    expect(c.trustProxy).to.equal(false);
    expect(c.debug).to.equal(false);
    expect(c.webhookSecret).to.equal(undefined);
    expect(c.dashboard).to.equal(undefined);
  });

  it('listens on this machine only outside production, on every interface in production, or where HOST says', () => {
    expect(loadConfig(minimal).host).to.equal('127.0.0.1');
    expect(loadConfig({ ...minimal, NODE_ENV: 'test' }).host).to.equal('127.0.0.1');
    const production = { ...minimal, NODE_ENV: 'production', SECRET_KEY: 's', DATABASE_URL: 'postgresql://db/x', GUILD_API_URL: 'http://g', BLIZZARD_CLIENT_ID: 'i', BLIZZARD_CLIENT_SECRET: 's', WARCRAFTLOGS_CLIENT_ID: 'i', WARCRAFTLOGS_CLIENT_SECRET: 's' };
    expect(loadConfig(production).host).to.equal('0.0.0.0');
    expect(loadConfig({ ...production, HOST: '10.0.0.5' }).host).to.equal('10.0.0.5');
    expect(loadConfig({ ...minimal, HOST: '0.0.0.0' }).host).to.equal('0.0.0.0');
    expect(loadConfig({ ...minimal, HOST: '::' }).host).to.equal('::');
    expect(() => loadConfig({ ...minimal, HOST: 'not a host' })).to.throw(ConfigError, /HOST/);
  });

  it('logs JSON unless LOG_FORMAT asks for pretty lines', () => {
    expect(loadConfig(minimal).logFormat).to.equal('json');
    expect(loadConfig({ ...minimal, LOG_FORMAT: 'pretty' }).logFormat).to.equal('pretty');
    expect(() => loadConfig({ ...minimal, LOG_FORMAT: 'yaml' })).to.throw(ConfigError, /LOG_FORMAT/);
  });

  it('uses the simulated upstreams only outside production without credentials', () => {
    expect(loadConfig(minimal).usesSimulatedUpstreams).to.equal(true);
    expect(loadConfig({ ...minimal, GUILD_API_URL: 'http://guild-api:5000' }).usesSimulatedUpstreams).to.equal(false);
    expect(loadConfig({ ...minimal, BLIZZARD_CLIENT_ID: 'id', BLIZZARD_CLIENT_SECRET: 's' }).usesSimulatedUpstreams).to.equal(false);
  });

  it('parses overrides and splits CORS origins', () => {
    const c = loadConfig({
      ...minimal,
      PORT: '8080',
      BLIZZARD_REGION: 'eu',
      BLIZZARD_API_TIMEOUT: '2.5',
      CORS_ORIGINS: 'https://a.example, https://b.example',
      DEBUG: 'true',
      FORCE_HTTPS: 'true',
      TRUST_PROXY: '1',
      QUEUE_DASHBOARD_USER: 'ops',
      QUEUE_DASHBOARD_PASSWORD: 'pw',
    });
    expect(c.port).to.equal(8080);
    expect(c.blizzard.region).to.equal('eu');
    expect(c.blizzard.timeoutMs).to.equal(2500);
    expect(c.corsOrigins).to.deep.equal(['https://a.example', 'https://b.example']);
    expect(c.debug).to.equal(true);
    expect(c.logLevel).to.equal('debug');
    expect(c.forceHttps).to.equal(true);
    expect(c.trustProxy).to.equal(true);
    expect(c.dashboard).to.deep.equal({ user: 'ops', password: 'pw' });
  });

  it('turns HTTPS enforcement and proxy trust on by default in production', () => {
    const c = loadConfig({
      ...minimal, NODE_ENV: 'production', SECRET_KEY: 's', DATABASE_URL: 'postgresql://db/x', GUILD_API_URL: 'http://g',
      BLIZZARD_CLIENT_ID: 'a', BLIZZARD_CLIENT_SECRET: 'b', WARCRAFTLOGS_CLIENT_ID: 'c', WARCRAFTLOGS_CLIENT_SECRET: 'd',
    });
    expect(c.forceHttps).to.equal(true);
    expect(c.trustProxy).to.equal(true);
    expect(c.usesSimulatedUpstreams).to.equal(false);
  });

  it('reads Redis Cluster seeds as host:port pairs, and a single Redis when they are unset', () => {
    expect(loadConfig(minimal).redisClusterNodes).to.equal(undefined);
    expect(loadConfig({ ...minimal, REDIS_CLUSTER_NODES: 'redis-a:7000, 10.0.0.2:7001,' }).redisClusterNodes).to.deep.equal([
      { host: 'redis-a', port: 7000 },
      { host: '10.0.0.2', port: 7001 },
    ]);
    for (const bad of ['redis-a', 'redis-a:port', ',']) {
      expect(() => loadConfig({ ...minimal, REDIS_CLUSTER_NODES: bad }), bad).to.throw(ConfigError, 'REDIS_CLUSTER_NODES');
    }
  });

  it('names every bad variable in one error', () => {
    try {
      loadConfig({ PORT: 'abc', BLIZZARD_REGION: 'mars', REDIS_URL: 'not a url', DEBUG: 'perhaps' });
      expect.fail('should have thrown');
    } catch (err) {
      expect(err).to.be.instanceOf(ConfigError);
      const message = (err as Error).message;
      for (const name of ['PORT', 'BLIZZARD_REGION', 'REDIS_URL', 'DEBUG']) expect(message).to.contain(name);
    }
  });

  it('requires the JWT key for the api and the credentials in production', () => {
    expect(() => loadConfig({})).to.throw(ConfigError, /JWT_SECRET_KEY/);
    expect(() => loadConfig({}, 'worker')).not.to.throw();
    try {
      loadConfig({ NODE_ENV: 'production', JWT_SECRET_KEY: 'k' });
      expect.fail('should have thrown');
    } catch (err) {
      const problems = (err as ConfigError).problems.join('\n');
      for (const name of ['SECRET_KEY', 'DATABASE_URL', 'GUILD_API_URL', 'BLIZZARD_CLIENT_ID', 'WARCRAFTLOGS_CLIENT_SECRET']) {
        expect(problems).to.contain(name);
      }
    }
  });

  it('refuses half-set dashboard credentials and bad CORS origins', () => {
    expect(() => loadConfig({ ...minimal, QUEUE_DASHBOARD_USER: 'ops' })).to.throw(/QUEUE_DASHBOARD/);
    expect(() => loadConfig({ ...minimal, CORS_ORIGINS: 'not-an-origin' })).to.throw(/CORS_ORIGINS/);
  });

  it('caps the permission cache at 60 seconds and returns a frozen object', () => {
    const c = loadConfig({ ...minimal, PERMISSION_CACHE_TTL: '600' });
    expect(c.permissionCacheTtl).to.equal(60);
    expect(Object.isFrozen(c)).to.equal(true);
  });
});
