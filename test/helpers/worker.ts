import { QueueEvents, type Job, type Queue } from 'bullmq';
import type { MikroORM } from '@mikro-orm/postgresql';
import { openOrm } from '../../src/db/orm.js';
import { storeGuildApiRoster } from '../../src/db/tables/guild-api-rosters.js';
import { itemLevel } from '../../src/domain/index.js';
import { guildSyncJob } from '../../src/queue/guild-sync.js';
import type { Queues } from '../../src/queue/queues.js';
import type { GuildMember, GuildRef } from '../../src/queue/schemas.js';
import { rankName } from '../../src/sim/catalog.js';
import { findGuild, type SimCharacter, type Simulator } from '../../src/sim/index.js';
import { renderEquipment } from '../../src/sim/render-blizzard.js';
import { toEquippedItems } from '../../src/upstream/blizzard/map.js';
import { equipmentSchema } from '../../src/upstream/blizzard/schemas.js';
import { createRedis } from '../../src/redis.js';
import { REDIS_URL, testDatabaseUrl } from './test-env.js';

import { sql } from './sql.js';
import { backgroundWork } from './wait.js';

export { sql };

const BUSY_STATES = ['waiting', 'prioritized', 'active', 'waiting-children'] as const;

/** Jobs not yet finished in a queue; the scheduler's next periodic job, always there, does not count. */
export async function pendingJobs(queue: Queue): Promise<number> {
  const counts = await queue.getJobCounts(...BUSY_STATES, 'delayed');
  const busy = BUSY_STATES.reduce((sum, state) => sum + (counts[state] ?? 0), 0);
  if (!counts.delayed) return busy;
  const delayed = await queue.getJobs(['delayed']);
  return busy + delayed.filter((job) => !job.repeatJobKey).length;
}

/** Resolves once every queue has been empty on two reads in a row; a sync enqueues its refreshes before it completes. */
export async function waitForIdle(queues: Queues, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let idleReads = 0;
  while (idleReads < 2) {
    if (Date.now() > deadline) throw new Error(`queues still busy after ${timeoutMs} ms`);
    await Promise.all([...backgroundWork].map((settle) => settle()));
    const pending = await Promise.all(Object.values(queues).map(pendingJobs));
    idleReads = pending.every((n) => n === 0) ? idleReads + 1 : 0;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export { waitFor } from './wait.js';

/** The guild as the api hands it to the worker. */
export function guildRefOf(sim: Simulator, guildId: number): GuildRef {
  const guild = findGuild(sim.world, guildId);
  if (!guild) throw new Error(`no simulated guild ${guildId}`);
  return { id: guild.id, name: guild.name, realm: guild.realm.slug, region: guild.region };
}

/** guild-api's member list of the guild right now, as the api reads it (owners, ranks, realms off the guild's). */
export function guildApiListOf(sim: Simulator, guildId: number): GuildMember[] {
  const guild = findGuild(sim.world, guildId);
  if (!guild) throw new Error(`no simulated guild ${guildId}`);
  return guild.members.map((m) => ({
    characterName: m.characterName,
    realm: m.realmSlug === guild.realm.slug ? null : m.realmSlug,
    bnetId: m.bnetId,
    rankId: m.rankId,
    rankName: rankName(m.rankId),
  }));
}

let orm: MikroORM | undefined;
after(async () => {
  await orm?.close(true);
  orm = undefined;
});

/**
 * What the api does when it reads a guild from guild-api: stores guild-api's member list (read at `readAt`)
 * and enqueues the guild's sync, which rebuilds the membership from it.
 */
export async function syncFromGuildApi(sim: Simulator, queues: Queues, guildId: number, readAt = new Date()): Promise<Job> {
  orm ??= await openOrm({ databaseUrl: testDatabaseUrl(), poolMax: 2 });
  await storeGuildApiRoster(orm, guildId, guildApiListOf(sim, guildId), readAt);
  return guildSyncJob.enqueue(queues, { guild: guildRefOf(sim, guildId), reason: 'manual' });
}

/** The item level the domain rules give for what the simulator has the character wear right now. */
export function expectedItemLevel(character: SimCharacter): number {
  return itemLevel(toEquippedItems(equipmentSchema.parse(renderEquipment(character))));
}

export interface MemberRow {
  character_name: string;
  realm_slug: string;
  left_at: Date | null;
  item_level: number | null;
  rank_id: number | null;
  rank_name: string | null;
  owner_bnet_id: string | null;
}

export function membersOf(guildId: number): Promise<MemberRow[]> {
  return sql<MemberRow>(
    `select character_name, realm_slug, left_at, item_level, rank_id, rank_name, owner_bnet_id
     from guild_memberships where guild_id = $1 order by realm_slug, lower(character_name)`,
    [guildId],
  );
}

/**
 * Everything a guild's sync and refreshes wrote, as comparable text. Timestamps that record when a fetch
 * happened (fetched_at and its copies) are left out; everything else, updated_at included, must match.
 */
export async function guildFingerprint(guildId: number, options: { withUpdatedAt?: boolean } = {}): Promise<string[]> {
  const stamps = options.withUpdatedAt ? ', c.updated_at as c_updated, p.updated_at as p_updated, gm.updated_at as gm_updated' : '';
  const rows = await sql(
    `select c.region, c.realm_slug, c.name_key, c.name, c.blizzard_id, c.class_name, c.spec_name, c.role, c.level, c.owner_bnet_id,
            gm.owner_bnet_id as gm_owner, gm.rank_id, gm.rank_name, gm.left_at is null as is_current, gm.class_name as gm_class,
            gm.spec_name as gm_spec, gm.role as gm_role, gm.item_level as gm_ilvl, p.fetch_status, p.item_level, p.equipped_items,
            p.gear_priorities, p.audit, p.last_modified, p.profile_last_modified, p.last_error,
            (select count(*) from item_level_history h where h.character_id = c.id) as history_points${stamps}
     from guild_memberships gm
     join characters c on c.id = gm.character_id
     left join character_progress p on p.character_id = c.id
     where gm.guild_id = $1
     order by c.realm_slug, c.name_key`,
    [guildId],
  );
  return rows.map((r) => JSON.stringify(r));
}

/**
 * The job's result once the worker has finished it, from the queue's completion events (no polling); the job's
 * failure reason is thrown if it failed for good. The events are read from the start of the queue's stream:
 * read from "now" (BullMQ's default), a job that finished between BullMQ's own check of its state and the
 * first read of the stream was never reported, and a job that ends at once (a loaded run) waited out the timeout.
 */
export async function finished<T = unknown>(queue: Queue, job: Job, timeoutMs = 10_000): Promise<T> {
  const connection = createRedis(REDIS_URL, 'worker');
  const events = new QueueEvents(queue.name, { connection, prefix: queue.opts.prefix, lastEventId: '0-0' });
  try {
    await events.waitUntilReady();
    return (await job.waitUntilFinished(events, timeoutMs)) as T;
  } finally {
    await events.close();
    connection.disconnect();
  }
}
