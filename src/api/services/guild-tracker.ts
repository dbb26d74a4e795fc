import type { RedisClient } from '../../redis.js';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import { storeGuildApiRoster } from '../../db/tables/guild-api-rosters.js';
import { findKnownGuild, lastSyncedAt } from '../../db/tables/guilds.js';
import type { Logger } from '../../logger.js';
import { guildSyncJob } from '../../queue/guild-sync.js';
import type { Queues } from '../../queue/queues.js';
import { guildMemberSchema, nameKey, regionSchema, type GuildMember, type GuildRef } from '../../queue/schemas.js';
import { isRedisUp, scriptCommand, type Keys, type ScriptCommand } from '../../redis.js';
import type { GuildApiClient } from '../../upstream/guild-api/client.js';
import { SingleFlight } from './single-flight.js';

/** How long guild-api's view of a guild is reused before it is read again (its list stored for the worker). */
export const SNAPSHOT_TTL_SECONDS = 60;

export interface GuildTrackerOptions {
  config: Config;
  clock: Clock;
  orm: MikroORM;
  redis: RedisClient;
  keys: Keys;
  queues: Queues;
  guildApi: GuildApiClient;
  logger: Logger;
}

/**
 * Replaces the snapshot (KEYS[1]) with the field/value pairs ARGV[3..] and gives it ARGV[2] seconds, only while the
 * snapshot's generation (KEYS[2]) is still ARGV[1] ('' for never moved). Written in slices: Lua's `unpack` takes a
 * bounded number of values, and a guild of a thousand members has two thousand fields.
 */
const STORE_IF_GENERATION = `
if (redis.call('GET', KEYS[2]) or '') ~= ARGV[1] then return 0 end
redis.call('UNLINK', KEYS[1])
for i = 3, #ARGV, 1000 do
  redis.call('HSET', KEYS[1], unpack(ARGV, i, math.min(i + 999, #ARGV)))
end
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1`;

/** The snapshot's field holding guild-api's description of the guild (a `GuildRef`). */
export const GUILD_FIELD = 'guild';
const userField = (bnetId: number) => `user:${bnetId}`;
const characterField = (realm: string, key: string) => `char:${realm}:${key}`;

/**
 * guild-api's view of a guild (its name, realm, region and members with their owners), kept in Redis as one hash
 * for a minute. Reading it is what makes progress-api track a guild: each time the snapshot is taken, its member
 * list is stored in PostgreSQL (guild-api is the authority on membership), and the worker gets a guild-sync job
 * that rebuilds the membership from it when the list changed or the guild's last sync is due (`handToWorker`). The user's token is used for the reads and never leaves here.
 * The hash is split by user and by character so a request reads only the few fields it needs, even for a guild
 * of a thousand members.
 */
export class GuildTracker {
  private readonly flight = new SingleFlight<GuildRef | undefined>();
  /** Snapshots being taken in the background, by guild. */
  private readonly inFlight = new Map<number, Promise<GuildRef | undefined>>();

  private readonly storeIfGeneration: ScriptCommand;

  constructor(private readonly options: GuildTrackerOptions) {
    this.storeIfGeneration = scriptCommand(options.redis, 'progressStoreGuildSnapshot', 2, STORE_IF_GENERATION);
  }

  /**
   * The guild as guild-api describes it. When the snapshot is gone it is taken again (and the guild's sync
   * enqueued), off the request's path for a guild already tracked: that request is answered from what is
   * stored, as it would be a second earlier. Only a guild never read from guild-api waits for it, since
   * nothing stored can answer for it.
   */
  async track(guildId: number, token: string): Promise<GuildRef | undefined> {
    const { redis, keys, orm, logger } = this.options;
    // Without Redis there is nowhere to keep the snapshot and no queue to hand it to: the projection serves alone.
    if (!isRedisUp(redis)) return undefined;
    const cached = await redis.hget(keys.guildApiSnapshot(guildId), GUILD_FIELD).catch(() => null);
    if (cached !== null) return JSON.parse(cached) as GuildRef;
    const taking = this.flight.run(String(guildId), () => this.takeSnapshot(guildId, token));
    const known = await findKnownGuild(orm, guildId).catch(() => undefined);
    if (!known) return taking;
    this.inFlight.set(guildId, taking);
    taking
      .catch((err: Error) => logger.warn({ guildId, err: err.message }, 'could not refresh the guild from guild-api'))
      .finally(() => {
        if (this.inFlight.get(guildId) === taking) this.inFlight.delete(guildId);
      });
    return known;
  }

  /** Resolves once no snapshot is being taken in the background: for a graceful stop, and for tests. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight.values()]);
  }

  /** The caller's characters in the guild according to guild-api, when the snapshot is held. */
  async membersOf(guildId: number, bnetId: number): Promise<GuildMember[] | undefined> {
    const raw = await this.field(guildId, userField(bnetId));
    return raw === null ? undefined : (JSON.parse(raw) as GuildMember[]);
  }

  /** A member of the guild by realm and name, when the snapshot is held and lists it. */
  async memberNamed(guildId: number, realm: string, name: string): Promise<GuildMember | undefined> {
    const raw = await this.field(guildId, characterField(realm, nameKey(name)));
    return raw === null ? undefined : (JSON.parse(raw) as GuildMember);
  }

  /**
   * Asked only for what the stored membership cannot answer (a member guild-api lists and no sync has applied
   * yet): worth waiting for a snapshot being taken in the background.
   */
  private async field(guildId: number, field: string): Promise<string | null> {
    await this.inFlight.get(guildId)?.catch(() => undefined);
    return this.options.redis.hget(this.options.keys.guildApiSnapshot(guildId), field).catch(() => null);
  }

  private async takeSnapshot(guildId: number, token: string): Promise<GuildRef | undefined> {
    const { guildApi, logger, config, redis, keys } = this.options;
    // Taken before asking: every change guild-api made after this instant may be missing from its answer.
    const readAt = this.options.clock.now();
    // Likewise: a webhook that drops the snapshot after this moves the generation, and this one is not stored.
    const generation = await redis.get(keys.guildApiSnapshotGeneration(guildId)).catch(() => undefined);
    const [settings, members] = await Promise.all([guildApi.getSettings(guildId, token), guildApi.getMembers(guildId, token)]);
    if (settings.kind !== 'ok' || members.kind !== 'ok') {
      logger.warn({ guildId, settings: settings.kind, members: members.kind }, 'could not read the guild from guild-api');
      return undefined;
    }
    const region = regionSchema.safeParse(settings.data.region);
    const guild: GuildRef = {
      id: guildId,
      name: settings.data.name,
      realm: settings.data.realmSlug,
      region: region.success ? region.data : config.blizzard.region,
    };
    const roster: GuildMember[] = members.data.map((m) => ({
      characterName: m.characterName,
      realm: m.realmSlug,
      bnetId: m.bnetId,
      rankId: m.rankId,
      rankName: m.rankName,
    }));
    if (generation !== undefined) await this.store(guild, roster, generation ?? '');
    const valid = roster.filter((m) => guildMemberSchema.safeParse(m).success);
    if (valid.length < roster.length) logger.warn({ guildId, skipped: roster.length - valid.length }, 'guild-api members that cannot be stored were skipped');
    // Awaited so that whoever waits for the worker after this answer finds the sync already queued.
    await this.handToWorker(guild, valid, readAt);
    return guild;
  }

  /**
   * Stores the list, and enqueues a sync only when it is needed now: the list changed (a guild seen for the first
   * time, or members guild-api changed without a webhook), or the guild's last sync is GUILD_SYNC_INTERVAL old
   * (a guild coming back from retirement, or one whose syncs failed). Otherwise the guild's syncs keep their own
   * cadence: a snapshot taken every minute while people read must not sync the guild every minute.
   */
  private async handToWorker(guild: GuildRef, members: GuildMember[], readAt: Date): Promise<void> {
    const { orm, queues, clock, config } = this.options;
    try {
      const changed = await storeGuildApiRoster(orm, guild.id, members, readAt);
      const synced = changed ? null : await lastSyncedAt(orm, guild.id);
      const due = changed || synced === null || clock.now().getTime() - synced.getTime() >= config.guildSyncInterval * 1000;
      if (due) await guildSyncJob.enqueue(queues, { guild, reason: 'tracked' });
    } catch (err) {
      // The next snapshot (a minute on) stores and enqueues again; meanwhile the projection serves what it has.
      this.options.logger.warn({ guildId: guild.id, err: (err as Error).message }, 'could not hand the guild-api roster to the worker');
    }
  }

  /** Replaces the snapshot with this one, unless its generation moved since `generation` was read. */
  private async store(guild: GuildRef, roster: GuildMember[], generation: string): Promise<void> {
    const fields: Record<string, string> = { [GUILD_FIELD]: JSON.stringify(guild) };
    const byUser = new Map<number, GuildMember[]>();
    for (const member of roster) {
      fields[characterField(member.realm ?? guild.realm, nameKey(member.characterName))] = JSON.stringify(member);
      if (member.bnetId === null || member.bnetId === undefined) continue;
      byUser.set(member.bnetId, [...(byUser.get(member.bnetId) ?? []), member]);
    }
    for (const [bnetId, owned] of byUser) fields[userField(bnetId)] = JSON.stringify(owned);
    const { keys } = this.options;
    const snapshot = [keys.guildApiSnapshot(guild.id), keys.guildApiSnapshotGeneration(guild.id)];
    await this.storeIfGeneration(snapshot, generation, SNAPSHOT_TTL_SECONDS, ...Object.entries(fields).flat()).catch(() => undefined);
  }
}
