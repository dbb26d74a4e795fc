import { findCharacterForGuild, findOwnedCharacters, type CharacterRecord } from '../../db/queries/characters.js';
import type { RegionCode } from '../../domain/types.js';
import { notFound, serviceUnavailable } from '../../errors.js';
import {
  characterJobKey, characterRefreshPayloadSchema, enqueueCharacterRefresh, PRIORITY, type CharacterRefreshPayload,
} from '../../queue/character-refresh.js';
import { nameKey } from '../../queue/schemas.js';
import { isRedisUp } from '../../redis.js';
import type { ApiDeps } from '../deps.js';
import type { GuildAccessState } from '../middleware/permission.js';
import {
  presentCharacterDetail, presentCharacterProgress, presentMyCharacters, presentUnfetchedMember,
} from '../presenters/character.js';
import type { CharacterDetailJson, CharacterProgressJson, MyCharactersJson } from '../schemas/characters.js';
import { freshnessOf } from './freshness.js';
import { guildRegion } from './guild-context.js';
import type { SeasonNow } from './season.js';
import { fromDatabase } from './read-model.js';
import { refreshAndWait, type WaitOutcome } from './refresh-wait.js';
import { SingleFlight } from './single-flight.js';

export type CharacterViewResult = { kind: 'ok'; body: CharacterDetailJson } | { kind: 'pending' };

/** A cached body is reused for at most this long even when fresher, which bounds a read/invalidate race. */
const MAX_CACHED_SECONDS = 900;
/** "My characters" also shows freshness flags, so it is cached only briefly. */
const MY_CHARACTERS_SECONDS = 60;

const characterNotFound = () => notFound('Character not found', 'character_not_found');
const upstreamUnavailable = () =>
  serviceUnavailable('upstream_unavailable', 'Character data is not available: Battle.net could not be reached', 30);

/** Where a membership lookup is cached in the guild's response hash, so a cache hit needs no database. */
const memberField = (realm: string, key: string) => `char:${realm}:${key}`;

const hasData = (c: CharacterRecord) => c.fetchStatus !== 'not_found' && c.itemLevel !== null && c.fetchedAt !== null;

/**
 * The character view and "my characters": served from the projection, with a refresh enqueued for anything
 * missing or stale. A miss waits a bounded time for its refresh; concurrent misses for one character in this
 * process share one wait, and the queue's deduplication makes all replicas share one job.
 */
export class CharacterViews {
  private readonly misses = new SingleFlight<WaitOutcome>();

  constructor(private readonly deps: ApiDeps) {}

  async detail(access: GuildAccessState, realm: string, name: string): Promise<CharacterViewResult> {
    const key = nameKey(name);
    const cached = await this.cachedDetail(access.guildId, realm, key);
    if (cached) return { kind: 'ok', body: cached };
    const { region, record } = await this.locate(access, realm, name, key);
    return this.serveDetail(access, region, realm, name, record, true);
  }

  async mine(access: GuildAccessState, bnetId: number): Promise<MyCharactersJson> {
    const { responseCache, logger, orm } = this.deps;
    const field = `characters:${bnetId}`;
    const cached = await responseCache.getGuild<MyCharactersJson>(access.guildId, field, 'characters');
    if (cached) return cached;
    const region = await guildRegion(this.deps, access);
    const season = await this.deps.season.now(region);
    const records = await fromDatabase(logger, () => findOwnedCharacters(orm, access.guildId, bnetId));
    if (records.length === 0) return presentMyCharacters(access.guildId, season, await this.fromSnapshot(access, bnetId, season));

    const canRefresh = isRedisUp(this.deps.redis);
    let cacheSeconds = MY_CHARACTERS_SECONDS;
    const characters = records.map((c) => {
      const fresh = freshnessOf(c, this.deps.config.characterCacheTtl, 'Battle.net', canRefresh);
      const known = hasData(c);
      if ((!known || fresh.isExpired) && canRefresh) {
        this.refreshInBackground(region, c.realm, c.name, access.guildId, known ? 'stale' : 'miss', PRIORITY.background);
      }
      // One unknown or stale character makes the whole body uncacheable: it is about to change.
      cacheSeconds = known && !fresh.stale ? Math.min(cacheSeconds, fresh.secondsLeft) : Number.NEGATIVE_INFINITY;
      return presentCharacterProgress(c, season.week, known ? fresh : { stale: fresh.refreshFailed, notice: fresh.notice });
    });
    const body = presentMyCharacters(access.guildId, season, characters);
    await responseCache.setGuild(access.guildId, field, body, cacheSeconds);
    return body;
  }

  /** The projection has no membership for the caller yet: guild-api's roster says which characters are theirs. */
  private async fromSnapshot(access: GuildAccessState, bnetId: number, season: SeasonNow): Promise<CharacterProgressJson[]> {
    const guild = access.guild;
    if (!guild) return [];
    const members = (await this.deps.guildTracker.membersOf(access.guildId, bnetId)) ?? [];
    for (const m of members) {
      this.refreshInBackground(season.region, m.realm ?? guild.realm, m.characterName, access.guildId, 'miss', PRIORITY.background);
    }
    return members.map((m) => presentUnfetchedMember(m, guild, season.week));
  }

  private async cachedDetail(guildId: number, realm: string, key: string): Promise<CharacterDetailJson | undefined> {
    const { responseCache } = this.deps;
    const lookup = await responseCache.getGuild<{ region: string }>(guildId, memberField(realm, key));
    if (!lookup) {
      responseCache.countMiss('character');
      return undefined;
    }
    return responseCache.getCharacter<CharacterDetailJson>(lookup.region, realm, key);
  }

  /**
   * Only a current member of the guild is served. A character the projection does not list yet is accepted
   * when guild-api's roster does, so a new member is viewable before the first guild sync finishes.
   */
  private async locate(access: GuildAccessState, realm: string, name: string, key: string) {
    const { logger, orm } = this.deps;
    const record = await fromDatabase(logger, () => findCharacterForGuild(orm, access.guildId, realm, key));
    if (record?.isMember) return { region: record.region as RegionCode, record };
    const member = await this.deps.guildTracker.memberNamed(access.guildId, realm, name);
    if (!member) throw characterNotFound();
    const region = await guildRegion(this.deps, access);
    return { region, record: record?.region === region ? record : undefined };
  }

  private async serveDetail(
    access: GuildAccessState,
    region: RegionCode,
    realm: string,
    name: string,
    record: CharacterRecord | undefined,
    mayWait: boolean,
  ): Promise<CharacterViewResult> {
    const { config, redis } = this.deps;
    const canRefresh = isRedisUp(redis);
    if (record && this.isKnownMissing(record)) throw characterNotFound();
    if (record && hasData(record)) {
      const fresh = freshnessOf(record, config.characterCacheTtl, 'Battle.net', canRefresh);
      if (fresh.isExpired && canRefresh) this.refreshInBackground(region, realm, name, access.guildId, 'stale', PRIORITY.reader);
      const season = await this.deps.season.now(region);
      const body = presentCharacterDetail(record, season.week, fresh);
      if (!fresh.stale && record.isMember) await this.remember(access.guildId, region, realm, record.nameKey, body, fresh.secondsLeft);
      return { kind: 'ok', body };
    }
    if (!canRefresh) throw upstreamUnavailable();
    if (await this.isMarkedMissing(region, realm, nameKey(name))) throw characterNotFound();
    if (record?.fetchStatus === 'error') {
      // Nothing good stored and the last fetch failed: answer now rather than wait on an upstream that is down.
      this.refreshInBackground(region, realm, name, access.guildId, 'miss', PRIORITY.reader);
      throw upstreamUnavailable();
    }
    if (!mayWait) return { kind: 'pending' };

    const payload: CharacterRefreshPayload = { region, realm, name, guildId: access.guildId, reason: 'miss' };
    const outcome = await this.misses.run(characterJobKey(region, realm, name), () =>
      refreshAndWait(
        () => enqueueCharacterRefresh(this.deps.queues.characterRefresh, payload, PRIORITY.reader),
        this.deps.characterEvents,
        config.characterWaitMs,
      ),
    );
    if (outcome === 'not_found') throw characterNotFound();
    if (outcome === 'unavailable') throw upstreamUnavailable();
    const again = await fromDatabase(this.deps.logger, () => findCharacterForGuild(this.deps.orm, access.guildId, realm, nameKey(name), region));
    return this.serveDetail(access, region, realm, name, again, false);
  }

  /** Battle.net said it does not know the character, recently enough to believe it still. */
  private isKnownMissing(record: CharacterRecord): boolean {
    if (record.fetchStatus !== 'not_found' || record.fetchedAt === null) return false;
    return Date.now() - Date.parse(record.fetchedAt) < this.deps.config.notFoundCacheTtl * 1000;
  }

  private async isMarkedMissing(region: string, realm: string, key: string): Promise<boolean> {
    const { redis, keys } = this.deps;
    return (await redis.exists(keys.notFound(region, realm, key)).catch(() => 0)) === 1;
  }

  private async remember(guildId: number, region: string, realm: string, key: string, body: CharacterDetailJson, secondsLeft: number) {
    const seconds = Math.min(secondsLeft, MAX_CACHED_SECONDS);
    const { responseCache } = this.deps;
    await responseCache.setCharacter(region, realm, key, body, seconds);
    await responseCache.setGuild(guildId, memberField(realm, key), { region }, seconds);
  }

  private refreshInBackground(region: string, realm: string, name: string, guildId: number, reason: 'miss' | 'stale', priority: number): void {
    const payload = characterRefreshPayloadSchema.safeParse({ region, realm, name, guildId, reason });
    if (!payload.success) return;
    enqueueCharacterRefresh(this.deps.queues.characterRefresh, payload.data, priority).catch((err: Error) =>
      this.deps.logger.warn({ err: err.message }, 'could not enqueue a character refresh'),
    );
  }
}
