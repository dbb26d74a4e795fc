import pg from 'pg';
import type { SimGuild } from '../../src/sim/index.js';
import { guildSyncJob } from '../../src/queue/guild-sync.js';
import { nameKey } from '../../src/queue/schemas.js';
import { closeQueues, createQueues } from '../../src/queue/queues.js';
import { createRedis } from '../../src/redis.js';
import { rankName } from '../../src/sim/catalog.js';
import { REDIS_URL } from '../../test/helpers/test-env.js';
import { load, type LoadResult } from '../load.js';
import { scrape, sum, type Samples } from '../prom.js';
import { round, seeded, zipf } from '../stats.js';
import type { Stack } from '../stack.js';
import type { BenchPlan } from '../options.js';

type ByKind = Record<string, { hits: number; misses: number; hit_rate: number }>;

export interface CacheFigures {
  /** Ten minutes of reads with the cache as ten earlier minutes left it, and the guild's sync in their middle. */
  hit_rate: number;
  by_kind: ByKind;
  requests: number;
  distinct_characters: number;
  load: LoadResult;
  /** The sync in the middle: members it found due and refreshed, and how long until the last was written. */
  sync: { members: number; due: number; refreshed: number; started_after_s: number; wall_s: number };
  /** The ten minutes before, from an empty cache (every cached response dropped). */
  cold: { hit_rate: number; by_kind: ByKind; non2xx: number };
}

const KINDS = ['character', 'overview', 'characters'] as const;
/** The share of the roster whose last fetch is over an hour old when the hourly sync runs. */
const DUE_SHARE = 0.1;

/**
 * A raid night's reads compressed in time: players open characters with Zipf popularity (their own and a few
 * famous ones), officers page through the overview with a handful of sorts and filters, everyone checks
 * "my characters". A first pass starts from an empty cache (`cold`); the measured pass follows with the cache as
 * the first left it, and halfway through it the guild's hourly sync runs: guild-api's member list stored and a
 * guild-sync job, which finds a tenth of the members due (their last fetch aged by an hour) and refreshes them.
 */
export async function measureCache(stack: Stack, guild: SimGuild, plan: BenchPlan): Promise<CacheFigures> {
  await dropCachedResponses(stack);
  const cold = await pass(stack, plan, readMix(stack, guild, plan, 20261129));
  const script = readMix(stack, guild, plan, 20261130);
  const distinct = new Set(script.filter((s) => s.path.includes('/character/')).map((s) => s.path)).size;
  const db = new pg.Client({ connectionString: stack.databaseUrl });
  await db.connect();
  try {
    let sync: Promise<CacheFigures['sync']> | undefined;
    const began = Date.now();
    const timer = setTimeout(() => {
      // Waited for after the pass if it outlasts it (a slow machine): the figures say how long it took.
      sync = hourlySync(stack, db, guild, (Date.now() - began) / 1000, 60_000);
    }, (plan.cache.seconds * 1000) / 2);
    const measured = await pass(stack, plan, script);
    clearTimeout(timer);
    // A pass quicker than planned ends before its middle: the sync then still runs, and says when it started.
    sync ??= hourlySync(stack, db, guild, (Date.now() - began) / 1000, 60_000);
    return {
      hit_rate: measured.hit_rate,
      by_kind: measured.by_kind,
      requests: script.length,
      distinct_characters: distinct,
      load: measured.load,
      sync: await sync,
      cold: { hit_rate: cold.hit_rate, by_kind: cold.by_kind, non2xx: cold.load.non2xx },
    };
  } finally {
    await db.end();
  }
}

/**
 * The guild's hourly sync as the api starts it: guild-api's member list (unchanged) stored, then a guild-sync
 * job. A tenth of the members, drawn at random, have their last fetch moved back by an hour first, so the sync
 * finds them due and refreshes them, as an hour after the last sync. Resolves once they are all written.
 */
async function hourlySync(stack: Stack, db: pg.Client, guild: SimGuild, startedAfter: number, timeoutMs: number): Promise<CacheFigures['sync']> {
  const started = Date.now();
  const random = seeded(7);
  const due = guild.members.filter(() => random() < DUE_SHARE);
  const names = due.map((m) => nameKey(m.characterName));
  await db.query(
    `update character_progress p set fetched_at = p.fetched_at - interval '1 hour'
       from characters c join guild_memberships m on m.character_id = c.id and m.guild_id = $1 and m.left_at is null
      where p.character_id = c.id and c.name_key = any($2::text[])`,
    [guild.id, names],
  );
  const list = guild.members.map((m) => ({ characterName: m.characterName, realm: m.realmSlug, bnetId: m.bnetId, rankId: m.rankId, rankName: rankName(m.rankId) }));
  await db.query(
    `insert into guild_api_rosters (guild_id, members, read_at) values ($1, $2::jsonb, now())
     on conflict (guild_id) do update set members = excluded.members, read_at = excluded.read_at, stored_at = now()`,
    [guild.id, JSON.stringify(list)],
  );
  const connection = createRedis(REDIS_URL, 'worker');
  const queues = createQueues(connection, stack.redisPrefix);
  let refreshed = 0;
  try {
    await guildSyncJob.enqueue(queues, { guild: { id: guild.id, name: guild.name, realm: guild.realm.slug, region: guild.region }, reason: 'scheduled' });
    while (Date.now() - started < timeoutMs) {
      const { rows } = await db.query<{ n: string }>(
        `select count(*) as n from character_progress p join characters c on c.id = p.character_id
          join guild_memberships m on m.character_id = c.id and m.guild_id = $1
          where c.name_key = any($2::text[]) and p.fetched_at >= $3`,
        [guild.id, names, new Date(started - 1000)],
      );
      refreshed = Number(rows[0]?.n ?? 0);
      if (refreshed >= due.length) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await closeQueues(queues);
    connection.disconnect();
  }
  return { members: guild.members.length, due: due.length, refreshed, started_after_s: round(startedAfter, 1), wall_s: round((Date.now() - started) / 1000, 1) };
}

async function pass(stack: Stack, plan: BenchPlan, script: Script): Promise<{ hit_rate: number; by_kind: ByKind; load: LoadResult }> {
  const before = await scrape(`${stack.api.url}/metrics`);
  const result = await load({ url: stack.api.url, connections: 20, rate: Math.ceil(script.length / plan.cache.seconds), script });
  const after = await scrape(`${stack.api.url}/metrics`);
  const byKind: ByKind = {};
  let hits = 0;
  let misses = 0;
  for (const kind of KINDS) {
    const h = delta(before, after, 'progress_cache_hits_total', kind);
    const m = delta(before, after, 'progress_cache_misses_total', kind);
    hits += h;
    misses += m;
    byKind[kind] = { hits: h, misses: m, hit_rate: round(h / Math.max(1, h + m), 4) };
  }
  return { hit_rate: round(hits / Math.max(1, hits + misses), 4), by_kind: byKind, load: result };
}

type Script = Array<{ path: string; headers: Record<string, string> }>;

function delta(before: Samples, after: Samples, name: string, kind: string): number {
  return sum(after, name, { kind }) - sum(before, name, { kind });
}

function readMix(stack: Stack, guild: SimGuild, plan: BenchPlan, seed: number): Script {
  const members = [...guild.members];
  // Popularity unrelated to roster order, and the same in every pass: shuffle, then rank 0 is the most read.
  const shuffle = seeded(1);
  for (let i = members.length - 1; i > 0; i -= 1) {
    const j = Math.floor(shuffle() * (i + 1));
    [members[i], members[j]] = [members[j] as (typeof members)[number], members[i] as (typeof members)[number]];
  }
  const random = seeded(seed);
  const popular = zipf(members.length, 1.1, random);
  const owners = [...new Set(guild.members.map((m) => m.bnetId))].slice(0, plan.cache.users);
  const officers = [...new Set(guild.members.filter((m) => m.rankId <= 1).map((m) => m.bnetId))];
  const tokens = new Map<number, string>();
  const auth = (bnetId: number) => {
    let token = tokens.get(bnetId);
    if (!token) tokens.set(bnetId, (token = stack.token(bnetId)));
    return { authorization: `Bearer ${token}` };
  };
  const overviews = ['', '&sort=name', '&sort=gap&order=asc', '&status=behind', '&role=healer', '&class=warrior'];
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)] as T;
  const script: Script = [];
  for (let i = 0; i < plan.cache.requests; i += 1) {
    const roll = random();
    if (roll < 0.8) {
      const m = members[popular()] as (typeof members)[number];
      script.push({
        path: `/guilds/${guild.id}/progress/character/${encodeURIComponent(m.characterName)}?realm=${m.realmSlug}`,
        headers: auth(pick(owners)),
      });
    } else if (roll < 0.9) {
      script.push({ path: `/guilds/${guild.id}/progress/members?limit=100${pick(overviews)}`, headers: auth(pick(officers)) });
    } else {
      script.push({ path: `/guilds/${guild.id}/progress/characters`, headers: auth(pick(owners)) });
    }
  }
  return script;
}

/** Every cached response of the run dropped: the state of a freshly started deployment. */
async function dropCachedResponses(stack: Stack): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await stack.redis.scan(cursor, 'MATCH', `${stack.redisPrefix}:cache:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await stack.redis.unlink(...keys);
  } while (cursor !== '0');
}
