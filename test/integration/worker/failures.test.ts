import { expect } from 'chai';
import { QueueEvents } from 'bullmq';
import { characterRefreshJob, PRIORITY } from '../../../src/queue/character-refresh.js';
import { guildComparisonJob } from '../../../src/queue/guild-comparison.js';
import { QUEUE_NAMES } from '../../../src/queue/names.js';
import { createRedis, queuePrefix } from '../../../src/redis.js';
import { findGuild, type SimCharacter, type SimGuild } from '../../../src/sim/index.js';
import { startStack, type Stack } from '../../helpers/stack.js';
import { uniqueId } from '../../helpers/test-env.js';
import { sql, syncFromGuildApi, waitFor, waitForIdle } from '../../helpers/worker.js';

interface ProgressRow {
  fetch_status: string;
  item_level: number | null;
  last_error: string | null;
  not_found_at: Date | null;
}

const progressOf = async (realm: string, name: string) =>
  (
    await sql<ProgressRow>(
      `select p.fetch_status, p.item_level, p.last_error, p.not_found_at from characters c
       join character_progress p on p.character_id = c.id where c.region = 'us' and c.realm_slug = $1 and c.name_key = lower($2)`,
      [realm, name],
    )
  )[0];

describe('worker: upstream failures and duplicates', function () {
  this.timeout(30_000);
  const guildId = uniqueId();
  // A realm of its own: characters are shared by natural key across every test of the run.
  const realm = `unlucky-${guildId}`;
  let stack: Stack;
  let guild: SimGuild;
  let events: QueueEvents;
  const refresh = (c: { realm: string; name: string }) =>
    characterRefreshJob.enqueue(stack.queues, { region: 'us', realm: c.realm, name: c.name, reason: 'manual' }, { priority: PRIORITY.reader });
  const ref = (c: SimCharacter) => ({ realm: c.realm.slug, name: c.name });

  before(async () => {
    stack = await startStack({
      simulator: { seed: guildId, world: { demo: false, guilds: [{ id: guildId, name: 'Unlucky Few', realm, region: 'us', members: 8 }] } },
    });
    guild = findGuild(stack.sim.world, guildId) as SimGuild;
    events = new QueueEvents(QUEUE_NAMES.characterRefresh, { connection: createRedis(stack.config.redisUrl, 'worker'), prefix: queuePrefix(stack.config.redisPrefix, QUEUE_NAMES.characterRefresh) });
    await events.waitUntilReady();
    await syncFromGuildApi(stack.sim, stack.queues, guildId);
    await waitForIdle(stack.queues);
  });
  after(async () => {
    await events?.close();
    await stack?.close();
  });

  it('fails a job on a malformed body at once, with a readable reason, and goes on with other jobs', async () => {
    const [broken, healthy] = guild.roster as [SimCharacter, SimCharacter];
    const before = await progressOf(broken.realm.slug, broken.name);
    // A changed character, so Battle.net answers with a body rather than 304.
    stack.sim.changeGear('us', broken.realm.slug, broken.name);
    stack.sim.setFaults({ malformed: true });
    const job = await refresh(ref(broken));
    const error = await job.waitUntilFinished(events, 10_000).then(() => undefined, (err: Error) => err);
    stack.sim.setFaults({ malformed: false });

    expect(error?.message).to.match(/Battle\.net sent unusable data for .*unexpected response shape/);
    const failed = await stack.queues.characterRefresh.getJob(job.id as string);
    expect(failed?.attemptsMade).to.equal(1);
    const after = await progressOf(broken.realm.slug, broken.name);
    expect(after).to.include({ fetch_status: 'ok', item_level: before?.item_level });
    expect(after?.last_error).to.match(/unexpected response shape/);

    const next = await refresh(ref(healthy));
    expect(await next.waitUntilFinished(events, 10_000)).to.deep.equal({ status: 'not_modified' });
  });

  it('keeps the last good data through an outage, records the error, and retries', async () => {
    const character = guild.roster[2] as SimCharacter;
    const before = await progressOf(character.realm.slug, character.name);
    stack.sim.setFaults({ outage: true });
    const job = await refresh(ref(character));
    await waitFor(async () => (await stack.queues.characterRefresh.getJob(job.id as string))?.attemptsMade === 1, 10_000, 'a failed attempt');
    const during = await progressOf(character.realm.slug, character.name);
    expect(during).to.include({ fetch_status: 'ok', item_level: before?.item_level });
    expect(during?.last_error).to.match(/503/);

    stack.sim.setFaults({ outage: false });
    await waitForIdle(stack.queues, 15_000);
    expect(await progressOf(character.realm.slug, character.name)).to.include({ fetch_status: 'ok', last_error: null });
  });

  it('answers an unknown character with not_found, stored on its row', async () => {
    const job = await refresh({ realm, name: 'Nobodyhome' });
    expect(await job.waitUntilFinished(events, 10_000)).to.deep.equal({ status: 'not_found' });
    expect(await progressOf(realm, 'Nobodyhome')).to.include({ fetch_status: 'not_found' });
  });

  it('makes one upstream fetch for 1,000 simultaneous refreshes of the same character', async () => {
    const character = guild.roster[4] as SimCharacter;
    // Nothing in flight: a refresh of this character begun earlier would absorb the 1,000 and fetch before the count.
    await waitForIdle(stack.queues);
    // A changed character, so the one fetch is a full one: the profile, then the equipment.
    stack.sim.changeGear('us', character.realm.slug, character.name);
    stack.sim.resetCounters();
    stack.sim.setFaults({ latencyMs: 300 });
    const jobs = await Promise.all(Array.from({ length: 1000 }, () => refresh(ref(character))));
    expect(new Set(jobs.map((j) => j.id)).size).to.equal(1);
    await waitForIdle(stack.queues);
    stack.sim.setFaults({ latencyMs: 0 });
    const paths = Object.entries(stack.sim.counters().blizzard.byPath).filter(([path]) => path.includes(character.name.toLowerCase()));
    expect(paths.map(([, n]) => n)).to.deep.equal([1, 1]);
  });

  it('stores a WarcraftLogs ranking, and not_found for a guild WarcraftLogs does not know', async () => {
    const queue = stack.queues.guildComparison;
    const comparisonEvents = new QueueEvents(QUEUE_NAMES.guildComparison, { connection: createRedis(stack.config.redisUrl, 'worker'), prefix: queuePrefix(stack.config.redisPrefix, QUEUE_NAMES.guildComparison) });
    try {
      await comparisonEvents.waitUntilReady();
      const found = await guildComparisonJob.enqueue(stack.queues, { guildName: guild.name, realm: guild.realm.slug, region: 'us' });
      expect(await found.waitUntilFinished(comparisonEvents, 10_000)).to.deep.equal({ status: 'ok' });
      const missing = await guildComparisonJob.enqueue(stack.queues, { guildName: 'No Such Guild', realm: guild.realm.slug, region: 'us' });
      expect(await missing.waitUntilFinished(comparisonEvents, 10_000)).to.deep.equal({ status: 'not_found' });
    } finally {
      await comparisonEvents.close();
    }
    const rows = await sql<{ guild_name_key: string; fetch_status: string; bosses_total: number | null; world_rank: number | null }>(
      `select guild_name_key, fetch_status, bosses_total, world_rank from guild_comparisons
       where region = 'us' and realm_slug = $1 order by guild_name_key`,
      [guild.realm.slug],
    );
    expect(rows.map((r) => [r.guild_name_key, r.fetch_status])).to.deep.equal([
      ['no such guild', 'not_found'],
      [guild.name.toLowerCase(), 'ok'],
    ]);
    expect(rows[1]?.bosses_total).to.be.greaterThan(0);
  });

  it('counts the queues at the scrape itself: a job added just before is in that scrape', async () => {
    const later = await stack.queues.outbound.add('depth-probe', {}, { delay: 3_600_000 });
    try {
      const body = await (await fetch(`${stack.worker?.url}/metrics`)).text();
      expect(body).to.match(new RegExp(`^progress_queue_jobs\\{[^}]*queue="${QUEUE_NAMES.outbound}"[^}]*state="delayed"[^}]*\\} [1-9]`, 'm'));
    } finally {
      await later.remove();
    }
  });

  it("exports queue depth, failed jobs and Battle.net calls on the worker's /metrics", async () => {
    const text = await waitFor(async () => {
      const body = await (await fetch(`${stack.worker?.url}/metrics`)).text();
      return /progress_queue_jobs\{[^}]*queue="character-refresh"[^}]*state="failed"[^}]*\} [1-9]/.test(body) ? body : undefined;
    }, 10_000, 'the queue-depth sample');
    expect(text).to.match(/progress_upstream_requests_total\{[^}]*upstream="blizzard"[^}]*outcome="ok"[^}]*\} [1-9]/);
    expect(text).to.match(/progress_jobs_total\{[^}]*queue="character-refresh"[^}]*outcome="failed"[^}]*\} [1-9]/);
  });
});
