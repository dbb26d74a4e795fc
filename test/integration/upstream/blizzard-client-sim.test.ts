import { expect } from 'chai';
import { createLogger } from '../../../src/logger.js';
import { startSimulator, type Simulator } from '../../../src/sim/index.js';
import { BlizzardClient } from '../../../src/upstream/blizzard/client.js';
import type { QuotaGate } from '../../../src/upstream/blizzard/quota.js';
import { blizzardConfigFor, elapsedSince, JWT_SECRET } from './support/configs.js';

const logger = createLogger({ level: 'silent' });

describe('BlizzardClient against the simulated Battle.net', () => {
  let sim: Simulator;
  let client: BlizzardClient;

  before(async () => {
    sim = await startSimulator({ jwtSecretKey: JWT_SECRET, seed: 11 });
  });
  after(async () => sim.close());
  beforeEach(() => {
    sim.resetFaults();
    sim.resetCounters();
    client = new BlizzardClient({ config: blizzardConfigFor(sim), logger });
  });

  const gallyboss = () => sim.world.guilds[0]!.roster[0]!;

  it('reads a profile, its equipment, specializations and the guild roster', async () => {
    const character = gallyboss();
    const profile = await client.getProfile('us', character.realm.slug, character.name);
    expect(profile.kind).to.equal('ok');
    if (profile.kind !== 'ok') return;
    expect(profile.data).to.include({ name: 'Gallyboss', realmSlug: 'bleeding-hollow', level: 90, className: 'Warrior', specName: 'Protection' });
    expect(profile.data.guild).to.deep.equal({ name: 'Gallywix Dive Team', realmSlug: 'bleeding-hollow' });
    expect(profile.lastModified).to.equal(new Date(character.lastModified).toUTCString());

    const equipment = await client.getEquipment('us', character.realm.slug, character.name);
    expect(equipment.kind).to.equal('ok');
    if (equipment.kind !== 'ok') return;
    expect(equipment.data.map((i) => i.itemLevel)).to.deep.equal(character.items.map((i) => i.itemLevel));
    expect(equipment.data.find((i) => i.slot === 'main_hand')).to.include({ quality: 'EPIC' });

    const specs = await client.getSpecializations('us', character.realm.slug, character.name);
    expect(specs).to.deep.include({ kind: 'ok', data: { activeSpec: 'Protection' } });

    const roster = await client.getGuildRoster('us', 'bleeding-hollow', 'Gallywix Dive Team');
    expect(roster.kind).to.equal('ok');
    if (roster.kind !== 'ok') return;
    expect(roster.data.guild.name).to.equal('Gallywix Dive Team');
    expect(roster.data.members).to.have.length(sim.world.guilds[0]!.roster.length);
    expect(roster.data.members[0]).to.deep.equal({ name: 'Gallyboss', realmSlug: 'bleeding-hollow', level: 90, classId: 1, className: 'Warrior', rank: 0 });
  });

  it('encodes non-ASCII names as lower-case UTF-8 in the path', async () => {
    const outcome = await client.getProfile('us', 'bleeding-hollow', 'Zúljín');
    expect(outcome.kind).to.equal('ok');
    expect(Object.keys(sim.counters().blizzard.byPath)).to.include('/blizzard/us/profile/wow/character/bleeding-hollow/z%C3%BAlj%C3%ADn');
  });

  it('gives not_found for a character Battle.net does not know', async () => {
    const { region, realmSlug, name } = sim.world.unknownCharacter;
    expect(await client.getProfile(region, realmSlug, name)).to.deep.equal({ kind: 'not_found' });
    expect(await client.getGuildRoster('us', 'bleeding-hollow', 'No Such Guild')).to.deep.equal({ kind: 'not_found' });
  });

  it('gives not_modified when nothing changed since If-Modified-Since, and the new data after a change', async () => {
    const c = gallyboss();
    const first = await client.getEquipment('us', c.realm.slug, c.name);
    if (first.kind !== 'ok' || !first.lastModified) throw new Error('expected ok with Last-Modified');
    expect(await client.getEquipment('us', c.realm.slug, c.name, { ifModifiedSince: first.lastModified })).to.deep.equal({ kind: 'not_modified' });
    expect(sim.counters().blizzard.notModified).to.equal(1);

    sim.changeGear('us', c.realm.slug, c.name);
    const changed = await client.getEquipment('us', c.realm.slug, c.name, { ifModifiedSince: first.lastModified });
    expect(changed.kind).to.equal('ok');
    if (changed.kind !== 'ok') return;
    expect(Date.parse(changed.lastModified ?? '')).to.be.greaterThan(Date.parse(first.lastModified));
    const sum = (items: Array<{ itemLevel: number }>) => items.reduce((total, i) => total + i.itemLevel, 0);
    expect(sum(changed.data)).to.be.greaterThan(sum(first.data));
  });

  it('gives rate_limited with the Retry-After of a 429 and pauses the shared quota for that long', async () => {
    const blocks: number[] = [];
    const quota: QuotaGate = { acquire: async () => Date.now(), block: async (ms) => void blocks.push(ms) };
    client = new BlizzardClient({ config: blizzardConfigFor(sim), logger, quota });
    sim.setFaults({ forceRateLimitMs: 2500 });
    const outcome = await client.getProfile('us', 'bleeding-hollow', 'Gallyboss');
    expect(outcome).to.deep.equal({ kind: 'rate_limited', retryAfterMs: 3000 });
    expect(blocks).to.deep.equal([3000]);
    expect(sim.counters().blizzard.rateLimited).to.equal(1);
  });

  it('waits 1000 ms after a 429 without Retry-After (Battle.net blocks for the rest of the second)', async () => {
    sim.setFaults({ perSecondQuota: 0 });
    expect(await client.getProfile('us', 'bleeding-hollow', 'Gallyboss')).to.deep.equal({ kind: 'rate_limited', retryAfterMs: 1000 });
  });

  it('retries a 5xx twice with a growing pause, then gives unavailable', async () => {
    sim.setFaults({ outage: true });
    const started = performance.now();
    const outcome = await client.getProfile('us', 'bleeding-hollow', 'Gallyboss');
    expect(outcome.kind).to.equal('unavailable');
    expect(sim.counters().blizzard.requests).to.equal(3);
    expect(elapsedSince(started)).to.be.at.least(390);
  });

  it('recovers within its retries from an occasional 500', async () => {
    sim.setFaults({ errorRate: 0.3 });
    const outcomes = await Promise.all(sim.world.guilds[0]!.roster.slice(0, 20).map((c) => client.getProfile('us', c.realm.slug, c.name)));
    const ok = outcomes.filter((o) => o.kind === 'ok').length;
    // Without retries about 6 of 20 would fail; with two retries each fails with p ≈ 0.03.
    expect(ok).to.be.at.least(16);
    expect(sim.counters().blizzard.requests).to.be.greaterThan(20);
  });

  it('gives unavailable once timeoutMs has passed, without retrying a timeout', async () => {
    client = new BlizzardClient({ config: blizzardConfigFor(sim, { timeoutMs: 250 }), logger });
    await client.getProfile('us', 'bleeding-hollow', 'Gallyboss'); // token fetched before the upstream slows down
    sim.setFaults({ latencyMs: 2000 });
    sim.resetCounters();
    const started = performance.now();
    const outcome = await client.getProfile('us', 'bleeding-hollow', 'Gallyboss');
    const elapsed = elapsedSince(started);
    expect(outcome.kind).to.equal('unavailable');
    expect(elapsed, "timed out well before the 2 s answer").to.be.within(240, 1800);
    expect(sim.counters().blizzard.requests).to.equal(1);
  });

  it('gives bad_data, and no partial data, for a 200 whose body does not match the schema', async () => {
    sim.setFaults({ malformed: true });
    for (const outcome of [
      await client.getProfile('us', 'bleeding-hollow', 'Gallyboss'),
      await client.getEquipment('us', 'bleeding-hollow', 'Gallyboss'),
      await client.getSpecializations('us', 'bleeding-hollow', 'Gallyboss'),
      await client.getGuildRoster('us', 'bleeding-hollow', 'Gallywix Dive Team'),
    ]) {
      expect(outcome.kind).to.equal('bad_data');
      expect(outcome).to.not.have.property('data');
    }
  });

  it('caches the token across calls and fetches a new one, once, when Battle.net refuses it', async () => {
    for (let i = 0; i < 5; i += 1) await client.getProfile('us', 'bleeding-hollow', 'Gallyboss');
    expect(sim.counters().blizzard.tokenRequests).to.equal(1);

    sim.revokeUpstreamTokens();
    expect((await client.getProfile('us', 'bleeding-hollow', 'Gallyboss')).kind).to.equal('ok');
    const counters = sim.counters().blizzard;
    expect(counters.tokenRequests).to.equal(2);
    expect(counters.requests).to.equal(7); // 5 + the refused one + its retry
  });

  it('renews a token 60 s before it expires', async () => {
    sim.setFaults({ tokenExpiresIn: 61 });
    await client.getProfile('us', 'bleeding-hollow', 'Gallyboss');
    await client.getProfile('us', 'bleeding-hollow', 'Gallyboss');
    expect(sim.counters().blizzard.tokenRequests).to.equal(1);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await client.getProfile('us', 'bleeding-hollow', 'Gallyboss');
    expect(sim.counters().blizzard.tokenRequests).to.equal(2);
  });

  it('asks the quota gate before every API request, retries included', async () => {
    let acquired = 0;
    const quota: QuotaGate = { acquire: async () => (acquired += 1, Date.now()), block: async () => undefined };
    client = new BlizzardClient({ config: blizzardConfigFor(sim), logger, quota, retryDelaysMs: [1, 1] });
    await client.getProfile('us', 'bleeding-hollow', 'Gallyboss');
    sim.setFaults({ outage: true });
    await client.getProfile('us', 'bleeding-hollow', 'Gallyboss');
    expect(acquired).to.equal(4);
  });

  it('gives unavailable when the quota gate fails, without calling Battle.net', async () => {
    const quota: QuotaGate = { acquire: async () => Promise.reject(new Error('redis down')), block: async () => undefined };
    client = new BlizzardClient({ config: blizzardConfigFor(sim), logger, quota });
    expect((await client.getProfile('us', 'bleeding-hollow', 'Gallyboss')).kind).to.equal('unavailable');
    expect(sim.counters().blizzard.requests).to.equal(0);
  });

  it('reports every attempt to the metrics', async () => {
    const seen: string[] = [];
    const metrics = { request: (upstream: string, outcome: string) => void seen.push(`${upstream}:${outcome}`), rateLimited: (u: string) => void seen.push(`${u}:429`) };
    client = new BlizzardClient({ config: blizzardConfigFor(sim), logger, metrics, retryDelaysMs: [1] });
    await client.getProfile('us', 'bleeding-hollow', 'Gallyboss');
    sim.setFaults({ outage: true });
    await client.getProfile('us', 'bleeding-hollow', 'Gallyboss');
    sim.setFaults({ outage: false, forceRateLimitMs: 1000 });
    await client.getProfile('us', 'bleeding-hollow', 'Gallyboss');
    expect(seen).to.deep.equal([
      'blizzard_oauth:ok',
      'blizzard:ok',
      'blizzard:unavailable',
      'blizzard:unavailable',
      'blizzard:429',
      'blizzard:rate_limited',
    ]);
  });
});
