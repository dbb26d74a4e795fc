import type { SimGuild } from '../../src/sim/index.js';
import { load, type LoadResult } from '../load.js';
import { scrape, sum, type Samples } from '../prom.js';
import { round, seeded, zipf } from '../stats.js';
import type { Stack } from '../stack.js';
import type { BenchPlan } from '../options.js';

type ByKind = Record<string, { hits: number; misses: number; hit_rate: number }>;

export interface CacheFigures {
  /** Over the ten minutes right after a guild sync dropped every cached response. */
  hit_rate: number;
  by_kind: ByKind;
  requests: number;
  distinct_characters: number;
  load: LoadResult;
  /** The following ten minutes (another draw from the same mix), with the cache as the first left it. */
  warm: { hit_rate: number; by_kind: ByKind; non2xx: number };
}

const KINDS = ['character', 'overview', 'characters'] as const;

/**
 * A raid night's reads compressed in time: players open characters with Zipf popularity (their own and a few
 * famous ones), officers page through the overview with a handful of sorts and filters, everyone checks
 * "my characters". Starts with every cached response dropped, as right after a guild sync.
 */
export async function measureCache(stack: Stack, guild: SimGuild, plan: BenchPlan): Promise<CacheFigures> {
  const script = readMix(stack, guild, plan, 20261129);
  const distinct = new Set(script.filter((s) => s.path.includes('/character/')).map((s) => s.path)).size;
  await dropCachedResponses(stack);
  const cold = await pass(stack, plan, script);
  const warm = await pass(stack, plan, readMix(stack, guild, plan, 20261130));
  return {
    hit_rate: cold.hit_rate,
    by_kind: cold.by_kind,
    requests: script.length,
    distinct_characters: distinct,
    load: cold.load,
    warm: { hit_rate: warm.hit_rate, by_kind: warm.by_kind, non2xx: warm.load.non2xx },
  };
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

/** What a worker write does to a guild: every cached response dropped. */
async function dropCachedResponses(stack: Stack): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await stack.redis.scan(cursor, 'MATCH', `${stack.redisPrefix}:cache:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await stack.redis.unlink(...keys);
  } while (cursor !== '0');
}
