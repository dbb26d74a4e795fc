import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { createRedis } from '../../../src/redis.js';
import { startTcpProxy, targetOf, type TcpProxy } from '../../helpers/tcp-proxy.js';
import { REDIS_URL } from '../../helpers/test-env.js';
import { waitFor } from '../../helpers/wait.js';

/**
 * The api's request connection drops itself when a command times out (a Redis that answers nothing). When the
 * network comes back without the lost replies, the connection must come back once and stay, not replay the
 * commands that timed out and drop itself again on their old failure.
 */
describe('the request connection to Redis after a black hole', function () {
  this.timeout(20_000);
  let proxy: TcpProxy;
  let redis: Redis;

  beforeEach(async () => {
    proxy = await startTcpProxy(targetOf(REDIS_URL));
    redis = createRedis(proxy.urlFor(REDIS_URL), 'request');
    await waitFor(async () => redis.status === 'ready' || undefined, 5000, 'the first connection');
  });
  afterEach(async () => {
    redis.disconnect();
    await proxy.close();
  });

  it('fails a command after its timeout, then reconnects once and stays connected when the network returns empty-handed', async () => {
    proxy.freeze();
    const started = Date.now();
    const error = await redis.get('progress-api:test:black-hole').then(() => undefined, (err: Error) => err);
    expect(error?.message).to.equal('Command timed out');
    expect(Date.now() - started).to.be.at.least(1400);

    let readies = 0;
    redis.on('ready', () => (readies += 1));
    proxy.discard();
    await waitFor(async () => readies > 0 || undefined, 10_000, 'a new connection');
    // Each answer needs a live connection; a connection dropping itself again would fail one of them.
    for (let i = 0; i < 5; i += 1) expect(await redis.ping()).to.equal('PONG');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(redis.status).to.equal('ready');
    expect(await redis.ping()).to.equal('PONG');
    expect(readies, 'connections made after the network returned').to.equal(1);
  });

  it('does not replay a write that timed out once the connection is back', async () => {
    const key = `progress-api:test:black-hole:${process.pid}:${Date.now()}`;
    proxy.freeze();
    const error = await redis.set(key, 'late').then(() => undefined, (err: Error) => err);
    expect(error?.message).to.equal('Command timed out');
    let readies = 0;
    redis.on('ready', () => (readies += 1));
    proxy.discard();
    await waitFor(async () => readies > 0 || undefined, 10_000, 'a new connection');
    expect(await redis.ping()).to.equal('PONG');
    expect(await redis.get(key), 'the timed-out SET was not sent again').to.equal(null);
  });
});
