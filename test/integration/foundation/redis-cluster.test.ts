import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import { createRedis, Keys, memberLookupField } from '../../../src/redis.js';
import { findGuild, type SimGuild, type SimMembership } from '../../../src/sim/index.js';
import { RedisQuotaGate } from '../../../src/upstream/blizzard/quota.js';
import { quotaClientKey } from '../../../src/worker/services.js';
import { startRedisCluster, type LocalRedisCluster } from '../../helpers/redis-cluster.js';
import { startStack, type Stack } from '../../helpers/stack.js';
import { TEST_WEBHOOK_SECRET } from '../../helpers/test-env.js';
import { waitFor, waitForIdle } from '../../helpers/worker.js';
import { bearer, call, expectError, isolatedGuild, metric } from '../api/helpers.js';

/** Battle.net requests per character profile path: a character fetched twice shows as a 2. */
const profileFetches = (byPath: Record<string, number>) =>
  Object.entries(byPath).filter(([path]) => /\/profile\/wow\/character\/[^/]+\/[^/]+$/.test(path));

describe('on a Redis Cluster of three masters (REDIS_CLUSTER_NODES)', function () {
  this.timeout(60_000);
  let cluster: LocalRedisCluster;
  let stack: Stack;
  let url: string;
  let guild: SimGuild;
  let keys: Keys;
  const spec = isolatedGuild(12);
  const gm = () => guild.members.find((m) => m.rankId === 0)!;
  const others = () => guild.members.filter((m) => m.rankId > 0);
  const asGm = () => ({ headers: bearer(stack.sim.tokenFor(gm().bnetId)) });
  const view = (m: SimMembership) => call(`${url}/guilds/${guild.id}/progress/character/${encodeURIComponent(m.characterName)}?realm=${m.realmSlug}`, asGm());
  const webhook = (type: string, data: Record<string, unknown>) =>
    stack.sim.sendWebhook(`${url}/webhooks/guild-api`, TEST_WEBHOOK_SECRET, { id: randomUUID(), type, guild_id: guild.id, occurred_at: new Date().toISOString(), data });
  /** The nodes holding at least one of the stack's keys. */
  const nodesHoldingKeys = async () => {
    let holding = 0;
    for (const node of cluster.nodes) {
      const redis = new Redis(node.port, node.host);
      const [, found] = await redis.scan('0', 'MATCH', `${stack.config.redisPrefix}:*`, 'COUNT', 10_000).finally(() => redis.disconnect());
      if (found.length > 0) holding += 1;
    }
    return holding;
  };

  before(async () => {
    cluster = await startRedisCluster();
    stack = await startStack({ api: true, schedule: true, redisCluster: cluster, simulator: { seed: spec.id, world: { demo: false, guilds: [spec] } } });
    url = stack.api!.url;
    guild = findGuild(stack.sim.world, spec.id)!;
    keys = stack.api!.deps.keys;
  });
  after(async () => {
    await stack?.close();
    await cluster?.stop();
  });

  it('connects the api and the worker as cluster clients, and the worker schedules its periodic jobs there', async () => {
    expect(stack.config.redisClusterNodes).to.have.length(3);
    expect(stack.api!.deps.redis).to.be.instanceOf(Cluster);
    const schedulers = await Promise.all(Object.values(stack.queues).map((queue) => queue.getJobSchedulers()));
    expect(schedulers.flat().length).to.be.at.least(1);
  });

  it("keeps the request role's fail-fast options on a cluster: no offline queue, a command timeout, no resend", () => {
    const redis = createRedis(stack.config, 'request') as Cluster;
    try {
      expect(redis.options.enableOfflineQueue).to.equal(false);
      expect(redis.options.redisOptions).to.include({ commandTimeout: 1500, maxRetriesPerRequest: 1, autoResendUnfulfilledCommands: false });
      const worker = createRedis(stack.config, 'worker') as Cluster;
      expect(worker.options.enableOfflineQueue).to.equal(true);
      expect(worker.options.redisOptions).to.include({ maxRetriesPerRequest: null });
      worker.disconnect();
    } finally {
      redis.disconnect();
    }
  });

  it('syncs a guild on its first read: the sync and each member fetched once, through the quota gate, within the quota', async () => {
    expect((await call(`${url}/guilds/${guild.id}/progress/members`, asGm())).status).to.equal(200);
    await waitForIdle(stack.queues);
    const overview = await call(`${url}/guilds/${guild.id}/progress/members?limit=1000`, asGm());
    expect(overview.status).to.equal(200);
    const members = overview.body.members as Array<{ character_name: string; current_ilvl: number | null }>;
    expect(members.map((m) => m.character_name).sort()).to.deep.equal(guild.members.map((m) => m.characterName).sort());
    expect(members.every((m) => typeof m.current_ilvl === 'number'), 'every member refreshed').to.equal(true);

    const counters = stack.sim.counters().blizzard;
    const fetches = profileFetches(counters.byPath);
    expect(fetches).to.have.length(guild.members.length);
    expect(fetches.filter(([, n]) => n !== 1), 'characters fetched more than once').to.deep.equal([]);
    expect(counters.overQuota).to.equal(0);
    // Every admission went through the gate's script, whose keys share one slot.
    const bucket = `${keys.quota(quotaClientKey(stack.config.blizzard.clientId))}:bucket`;
    expect(await stack.api!.deps.redis.exists(bucket)).to.equal(1);
    // Queues, guild keys and the quota each hash to their own slot: the keys are spread over the masters.
    expect(await nodesHoldingKeys()).to.be.at.least(2);
  });

  it('serves a character view from the cache on the second read', async () => {
    const member = others()[0]!;
    expect((await view(member)).status).to.equal(200);
    const hits = await metric(url, 'progress_cache_hits_total', { kind: 'character' });
    // Two commands at once: the rate limiter's counter has a slot of its own, everything about the guild another.
    const client = stack.api!.deps.redis as unknown as { sendCommand: (command: { name: string }, ...rest: unknown[]) => unknown };
    const send = client.sendCommand;
    const sent: string[] = [];
    client.sendCommand = (command, ...rest) => {
      sent.push(command.name);
      return send.call(client, command, ...rest);
    };
    const again = await view(member).finally(() => (client.sendCommand = send));
    expect(sent, 'commands of the cached read').to.have.length(2);
    expect(again.status).to.equal(200);
    expect(again.body.character.character_name).to.equal(member.characterName);
    expect(await metric(url, 'progress_cache_hits_total', { kind: 'character' })).to.equal(hits + 1);
    expect(await stack.api!.deps.redis.hexists(keys.guildMemberLookups(guild.id), memberLookupField(member.realmSlug, member.characterName.toLowerCase()))).to.equal(1);
  });

  it("applies webhooks: member.left ends a cached member's membership and drops its view; user.characters_changed drops the user's permissions", async () => {
    const leaver = others()[1]!;
    expect((await view(leaver)).status).to.equal(200);
    stack.sim.removeMember(guild.id, leaver.characterName);
    expect((await webhook('member.left', { character_name: leaver.characterName, bnet_id: leaver.bnetId })).status).to.equal(202);
    await waitForIdle(stack.queues);
    expectError(await view(leaver), 404, 'character_not_found');

    // The GM's decision is cached once a read is answered; the event drops it and the user's index (two slots).
    const permission = keys.permission(guild.id, gm().bnetId);
    await waitFor(async () => (await stack.api!.deps.redis.exists(permission)) === 1, 5000, 'the cached permission');
    expect((await webhook('user.characters_changed', { bnet_id: gm().bnetId })).status).to.equal(202);
    expect(await stack.api!.deps.redis.exists(permission)).to.equal(0);
    expect(await stack.api!.deps.redis.exists(keys.userPermissions(gm().bnetId))).to.equal(0);
    await waitForIdle(stack.queues);
  });

  it('keeps the quota gate atomic: no more admissions in a second than the budget, and a block holds everyone', async () => {
    const redis = createRedis(stack.config, 'request');
    try {
      await waitFor(async () => redis.status === 'ready', 5000, 'the cluster connection');
      const gate = new RedisQuotaGate(redis, { key: keys.quota(`cluster-${spec.id}`), perSecond: 10, perHour: 1_000_000, headroom: 0, edgeMs: 0 });
      const admitted = await Promise.all(Array.from({ length: 25 }, () => gate.acquire()));
      const perSecond = new Map<number, number>();
      for (const at of admitted) perSecond.set(Math.floor(at / 1000), (perSecond.get(Math.floor(at / 1000)) ?? 0) + 1);
      expect(Math.max(...perSecond.values())).to.be.at.most(10);
      // 25 admissions at 10 a second need at least three seconds.
      expect(perSecond.size).to.be.at.least(3);

      const [seconds, micros] = await redis.time();
      const blockedFrom = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
      await gate.block(400);
      expect((await gate.acquire()) - blockedFrom).to.be.at.least(400);
    } finally {
      redis.disconnect();
    }
  });
});
