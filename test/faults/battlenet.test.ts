import { expect } from 'chai';
import { characterRefreshJob, PRIORITY } from '../../src/queue/character-refresh.js';
import { findGuild, type Faults, type SimGuild } from '../../src/sim/index.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { sql, waitFor, waitForIdle } from '../helpers/worker.js';
import { bearer, call, eventually, jobStates, ownGuild, sleep } from './support.js';

interface StoredRow {
  item_level: number | null;
  equipped_items: unknown;
  gear_priorities: unknown;
  fetched_at: Date | null;
  fetch_status: string;
  last_error: string | null;
}

/**
 * Battle.net misbehaves while characters are being refreshed. Whatever it does, the last good data stays in
 * the projection and is served flagged stale with a notice; a malformed body is never written; a 429 pauses
 * the whole queue for its Retry-After.
 */
describe('fault: Battle.net errors, timeouts, 429s and malformed bodies', function () {
  this.timeout(90_000);
  const spec = ownGuild(6, 'Broken Gate');
  let stack: Stack;
  let guild: SimGuild;
  let gm: number;
  let url: string;

  const as = () => ({ headers: bearer(stack.sim.tokenFor(gm)) });
  const view = (name: string) => call(`${url}/guilds/${spec.id}/progress/character/${encodeURIComponent(name)}?realm=${spec.realm}`, as());
  const stored = async (name: string) =>
    (
      await sql<StoredRow>(
        `select p.item_level, p.equipped_items, p.gear_priorities, p.fetched_at, p.fetch_status, p.last_error
         from characters c join character_progress p on p.character_id = c.id
         where c.region = 'us' and c.realm_slug = $1 and c.name_key = lower($2)`,
        [spec.realm, name],
      )
    )[0] as StoredRow;

  before(async () => {
    stack = await startStack({
      api: true,
      simulator: { seed: spec.id, world: { demo: false, guilds: [spec] } },
      // Data goes stale after a second; a call slower than half a second is a timeout.
      env: { CHARACTER_CACHE_TTL: '1', BLIZZARD_API_TIMEOUT: '0.5', CHARACTER_WAIT_MS: '1500' },
    });
    url = stack.api!.url;
    guild = findGuild(stack.sim.world, spec.id)!;
    gm = guild.members.find((m) => m.rankId === 0)!.bnetId;
    expect((await call(`${url}/guilds/${spec.id}/progress/members`, as())).status).to.equal(200);
    await waitForIdle(stack.queues, 30_000);
  });
  afterEach(() => stack.sim.resetFaults());
  after(async () => {
    await stack?.close();
  });

  const faults: Array<{ name: string; faults: Partial<Faults>; malformed?: boolean }> = [
    { name: 'answers 500', faults: { errorRate: 1 } },
    { name: 'is down (503 pages)', faults: { outage: true } },
    { name: 'does not answer within the timeout', faults: { latencyMs: 1500 } },
    { name: 'sends malformed bodies', faults: { malformed: true }, malformed: true },
  ];

  faults.forEach((fault, i) => {
    it(`keeps and serves the last good data, stale with a notice, when Battle.net ${fault.name}`, async () => {
      const member = guild.members[i] as SimGuild['members'][number];
      const name = member.characterName;
      // The fault starts with nothing in flight, so no refresh begun before it can land after it; from here on
      // every refresh of this character fails.
      await waitForIdle(stack.queues);
      stack.sim.setFaults(fault.faults);
      const good = await stored(name);
      expect(good.fetch_status).to.equal('ok');
      const before = (await view(name)).body.character;

      // The character changes in game, but Battle.net cannot tell us.
      stack.sim.changeGear('us', member.realmSlug, name);
      await sleep(1100);

      // Past its freshness: served at once, stale, and a refresh is enqueued, which fails.
      const first = await view(name);
      expect(first.status).to.equal(200);
      expect(first.body.character.stale).to.equal(true);
      const failed = await eventually(() => stored(name), (row) => row.last_error !== null, 15_000);
      expect(failed.last_error, 'the failure is recorded on the row').to.be.a('string');

      const during = await view(name);
      expect(during.status).to.equal(200);
      expect(during.body.character.stale).to.equal(true);
      expect(during.body.character.notice).to.be.a('string').and.match(/could not be refreshed/i);
      expect(during.body.character.current_ilvl, 'the last good item level').to.equal(before.current_ilvl);
      expect(during.body.character.equipped_items).to.deep.equal(before.equipped_items);

      const after = await stored(name);
      expect(after.item_level, 'nothing overwritten').to.equal(good.item_level);
      expect(after.equipped_items).to.deep.equal(good.equipped_items);
      expect(after.gear_priorities).to.deep.equal(good.gear_priorities);
      expect(after.fetched_at!.getTime()).to.equal(good.fetched_at!.getTime());

      if (fault.malformed) {
        // Retrying cannot fix a body Battle.net keeps sending: the job fails at once, with its reason.
        const jobs = await stack.queues.characterRefresh.getJobs(['failed']);
        const job = jobs.find((j) => (j.data as { name?: string }).name === name);
        expect(job, 'the refresh failed for good').to.not.equal(undefined);
        expect(job!.attemptsMade).to.equal(1);
        expect(job!.failedReason).to.match(/unusable data/);
      }

      // Once Battle.net recovers, the next refresh brings the new gear.
      stack.sim.resetFaults();
      // A refresh already in flight with the bad answer absorbs an identical request (deduplication): ask until one runs.
      const recovered = await eventually(
        async () => {
          await characterRefreshJob.enqueue(stack.queues, { region: 'us', realm: member.realmSlug, name, reason: 'manual' }, { priority: PRIORITY.reader });
          return stored(name);
        },
        (row) => row.last_error === null && row.fetched_at!.getTime() > good.fetched_at!.getTime(),
        20_000,
        300,
      );
      expect(recovered.fetch_status).to.equal('ok');
      expect(recovered.equipped_items).to.not.deep.equal(good.equipped_items);
    });
  });

  it('answers 503 upstream_unavailable for a character it has never been able to fetch', async () => {
    const newcomer = stack.sim.addMember(spec.id, { characterName: 'Latecomer', bnetId: 9100, rankId: 4 }, { alsoBattleNet: true });
    // The api learns of the newcomer from guild-api's roster (the snapshot is dropped on a webhook; here it expires).
    await stack.api!.deps.redis.unlink(stack.api!.deps.keys.guildApiSnapshot(spec.id));
    stack.sim.setFaults({ outage: true });
    const reply = await view(newcomer.name);
    expect([503, 202]).to.include(reply.status);
    const settled = await eventually(() => view(newcomer.name), (r) => r.status === 503, 15_000, 500);
    expect(settled.status).to.equal(503);
    expect(settled.body.code).to.equal('upstream_unavailable');
  });

  it('pauses the whole refresh queue for Retry-After on a 429, then finishes every job without using an attempt', async () => {
    const pauseSeconds = 3;
    // Retries left over from the outages above would blur which attempts the 429 cost.
    await waitForIdle(stack.queues, 30_000);
    for (const m of guild.members) stack.sim.changeGear('us', m.realmSlug, m.characterName);
    stack.sim.resetCounters();
    stack.sim.setFaults({ forceRateLimitMs: pauseSeconds * 1000 });
    const started = Date.now();
    const jobIds: string[] = [];
    for (const m of guild.members) {
      const job = await characterRefreshJob.enqueue(stack.queues, { region: 'us', realm: m.realmSlug, name: m.characterName, reason: 'manual' }, { priority: PRIORITY.background });
      jobIds.push(job.id!);
    }
    expect(new Set(jobIds).size, 'one job per character').to.equal(guild.members.length);
    await waitFor(async () => stack.sim.counters().blizzard.rateLimited > 0 || undefined, 5000, 'the first 429');
    const refusedAt = Date.now();
    const countAtRefusal = stack.sim.counters().blizzard.requests;
    // During the pause the queue holds its jobs: at most the requests already in flight reach Battle.net.
    await sleep(1500);
    const duringPause = stack.sim.counters().blizzard.requests - countAtRefusal;
    expect(duringPause, 'requests sent while paused').to.be.at.most(guild.members.length * 2);
    const states = await jobStates(stack.queues.characterRefresh);
    expect((states.waiting ?? 0) + (states.prioritized ?? 0) + (states.delayed ?? 0) + (states.active ?? 0), JSON.stringify(states)).to.be.greaterThan(0);
    // The api keeps serving the last data meanwhile, stale, and says why for a character that was refused.
    const limited: SimGuild['members'] = [];
    for (const m of guild.members) if (/rate limited/.test((await stored(m.characterName)).last_error ?? '')) limited.push(m);
    expect(limited.length, 'characters whose refresh was refused').to.be.greaterThan(0);
    const during = await view(limited[0]!.characterName);
    expect(during.status).to.equal(200);
    expect(during.body.character.stale).to.equal(true);
    expect(during.body.character.notice).to.match(/could not be refreshed/).and.match(/limiting requests/);

    await waitForIdle(stack.queues, 30_000);
    expect(Date.now() - started, 'nothing finished before the pause was over').to.be.at.least(pauseSeconds * 1000 - 500);
    expect(refusedAt - started).to.be.below(pauseSeconds * 1000);
    const theseJobs = await Promise.all(jobIds.map((id) => stack.queues.characterRefresh.getJob(id)));
    for (const job of theseJobs) {
      expect(await job!.getState(), job!.id).to.equal('completed');
      expect(job!.attemptsMade, 'a 429 does not use an attempt').to.equal(1);
    }
    expect(Math.max(...theseJobs.map((j) => j!.attemptsStarted)), 'some job was started, refused and put back').to.be.at.least(2);
    for (const m of guild.members) {
      const row = await stored(m.characterName);
      expect(row.fetched_at!.getTime(), m.characterName).to.be.greaterThan(started + pauseSeconds * 1000 - 1000);
    }
  });
});
