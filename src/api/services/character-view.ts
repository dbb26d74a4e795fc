import { findCharacterForGuild, findOwnedCharacters, type CharacterRecord } from '../../db/tables/characters.js';
import { findRenamedTo, type RenamedTo } from '../../db/tables/character-renames.js';
import { hasMemberships } from '../../db/tables/guild-memberships.js';
import { REGIONS } from '../../domain/regions.js';
import { findActivity } from '../../db/tables/character-activity.js';
import { itemLevelHistory } from '../../db/tables/item-level-history.js';
import { resetPeriodAt } from '../../domain/activity.js';
import { historyRange } from '../../domain/history.js';
import type { RegionCode } from '../../domain/types.js';
import { AppError, notFound, serviceUnavailable } from '../../errors.js';
import { characterJobKey, characterRefreshJob, PRIORITY } from '../../queue/character-refresh.js';
import { nameKey } from '../../queue/schemas.js';
import { myCharactersField, storedJson, type CharacterViewRead, type StoredBody } from '../../cache/response-cache.js';
import { secondsWithinWeek, type SeasonNow } from '../../season/calendar.js';
import { guildTargets, memberRank, type GuildTargets } from '../../season/team-targets.js';
import type { TeamMember } from '../../domain/team-plan.js';
import type { TargetWeek } from '../../domain/history.js';
import type { ApiDeps } from '../deps.js';
import type { GuildAccessState } from '../middleware/permission.js';
import {
  presentCharacterDetail, presentCharacterProgress, presentForecast, presentMissingCharacter, presentMyCharacters, presentUnfetchedMember,
} from '../presenters/character.js';
import { presentActivity } from '../presenters/activity.js';
import { presentHistory } from '../presenters/history.js';
import { presentUpgradePlan } from '../presenters/upgrade-plan.js';
import {
  DETAIL_HISTORY_WEEKS, type CharacterHistoryJson, type CharacterProgressJson, type HistoryBlockJson,
  type MyCharactersJson,
} from '../schemas/characters.js';
import { guildRegion } from './guild-context.js';
import { fromDatabase } from './read-model.js';
import { RefreshOnMissReader, type ReadTarget, type RefreshReason } from './refresh-on-miss.js';

/** What the character views use of the api's services. */
export type CharacterViewDeps = Pick<
  ApiDeps,
  'config' | 'clock' | 'logger' | 'orm' | 'redis' | 'queues' | 'characterEvents' | 'responseCache' | 'season' | 'guildTracker'
>;

export type CharacterViewResult = { kind: 'ok'; body: StoredBody } | { kind: 'pending' };

/**
 * A cached body is reused for at most this long even when fresher, which bounds a read/invalidate race; and never
 * past the next weekly reset, after which its target, gap and status would be last week's.
 */
const MAX_CACHED_SECONDS = 900;
/** "My characters" also shows freshness flags, so it is cached only briefly. */
const MY_CHARACTERS_SECONDS = 60;

const characterNotFound = () => notFound('Character not found', 'character_not_found');
/** Still 404 `character_not_found` (the name is no character now), with the new name as the hint. */
const characterRenamed = (name: string, to: RenamedTo) =>
  new AppError(404, 'character_not_found', `Character not found: ${name} is now ${to.name} (${to.realm})`, [
    { field: 'character_name', in: 'path', message: `renamed or moved: now ${to.name} on ${to.realm}` },
  ]);
const guildApiUnavailable = () => serviceUnavailable('guild_api_unavailable', 'guild-api is unavailable, try again shortly', 5);



/**
 * The character view and "my characters": presented bodies from the response cache, else the projection through
 * the shared refresh-on-miss reader (a miss waits a bounded time for its refresh; concurrent misses in this
 * process share one wait, and the queue's deduplication makes all replicas share one job).
 */
export class CharacterViews {
  private readonly reader: RefreshOnMissReader<CharacterRecord>;

  constructor(private readonly deps: CharacterViewDeps) {
    this.reader = new RefreshOnMissReader(deps, {
      source: 'Battle.net',
      isComplete: (c) => c.itemLevel !== null,
      notFound: characterNotFound,
      notAvailable: 'Character data is not available',
      events: deps.characterEvents,
      readerPriority: PRIORITY.reader,
    });
  }

  async detail(access: GuildAccessState, realm: string, name: string): Promise<CharacterViewResult> {
    const key = nameKey(name);
    const cached = await this.cachedDetail(access.guildId, realm, key);
    if (cached.body) return { kind: 'ok', body: cached.body };
    const { region, record } = await this.locate(access, realm, name, key);
    const outcome = await this.reader.read(this.target(access.guildId, region, realm, name), { row: record });
    if (outcome.kind === 'pending') return outcome;
    const { row, fresh } = outcome;
    // The member is judged against its team plan's targets when one covers it, else the guild's.
    const { targets, member } = await this.teamTargets(access.guildId, region, this.deps.clock.now(), row);
    const { season } = targets;
    const week = { ...season.week, targetIlvl: targets.targetOf(member).targetIlvl };
    const [history, activity] = await Promise.all([
      this.historyBlock(row.characterId, region, access.guildId, season.at, DETAIL_HISTORY_WEEKS, (line) => targets.lineOf(member, line)),
      fromDatabase(this.deps.logger, () => findActivity(this.deps.orm, row.characterId)),
    ]);
    const period = resetPeriodAt(season.at, region, this.deps.config.weeklyResets);
    const body = storedJson(presentCharacterDetail(row, week, fresh, {
      history,
      activity: activity ? presentActivity(activity, season.week.week, period) : null,
      forecast: presentForecast(row, targets.horizonOf(member)),
      upgradePlan: presentUpgradePlan(row.itemLevel, row.gearPriorities, week.targetIlvl, season.expansion, this.deps.config.upgradeTracks),
    }));
    if (!fresh.stale && row.isMember) {
      const seconds = secondsWithinWeek(season, Math.min(fresh.secondsLeft, MAX_CACHED_SECONDS));
      await this.deps.responseCache.setCharacterView(access.guildId, region, realm, row.nameKey, body, seconds, cached.claim);
    }
    return { kind: 'ok', body };
  }

  /**
   * A member's daily item levels over the last `weeks` weeks with the target line of the same days. Served from
   * what is stored, without waiting on a refresh: a member not fetched yet has no points.
   */
  async history(access: GuildAccessState, realm: string, name: string, weeks: number): Promise<CharacterHistoryJson> {
    const { region, record } = await this.locate(access, realm, name, nameKey(name));
    if (record?.fetchStatus === 'not_found') throw characterNotFound();
    const now = this.deps.clock.now();
    const { targets, member } = await this.teamTargets(access.guildId, region, now, record ?? { name, realm });
    const block = await this.historyBlock(record?.characterId, region, access.guildId, now, weeks, (line) => targets.lineOf(member, line));
    return { character_name: record?.name ?? name, realm: record?.realm ?? realm, region, ...block };
  }

  private async historyBlock(
    characterId: number | undefined,
    region: RegionCode,
    guildId: number,
    now: Date,
    weeks: number,
    asTeamSees: (line: TargetWeek[]) => TargetWeek[],
  ): Promise<HistoryBlockJson> {
    const range = historyRange(now.toISOString().slice(0, 10), weeks);
    const { logger, orm, season } = this.deps;
    const [points, line] = await Promise.all([
      characterId === undefined ? [] : fromDatabase(logger, () => itemLevelHistory(orm, characterId, range.from, range.to)),
      season.targetLine(region, new Date(`${range.from}T00:00:00.000Z`), now, guildId),
    ]);
    return presentHistory(weeks, range, points, asTeamSees(line));
  }

  /**
   * The guild's targets at an instant under its team plans, and the character as the team rule sees it (its
   * rank is read only when some plan goes by rank).
   */
  private async teamTargets(
    guildId: number,
    region: RegionCode,
    at: Date,
    character: { characterId?: number; name: string; realm: string },
  ): Promise<{ targets: GuildTargets; member: TeamMember }> {
    const { logger, orm } = this.deps;
    const targets = await fromDatabase(logger, () => guildTargets(this.deps, guildId, region, at));
    const byRank = targets.teams.some((t) => t.plan.ranks.length > 0);
    const id = character.characterId;
    const rankId = byRank && id !== undefined ? await fromDatabase(logger, () => memberRank(orm, guildId, id)) : null;
    return { targets, member: { rankId, characterName: character.name, realm: character.realm } };
  }

  async mine(access: GuildAccessState, bnetId: number): Promise<MyCharactersJson> {
    const { responseCache, logger, orm } = this.deps;
    const cached = await responseCache.getGuild<MyCharactersJson>(access.guildId, myCharactersField(bnetId), 'characters');
    if (cached.body) return cached.body;
    const region = await guildRegion(this.deps, access);
    const [targets, records] = await Promise.all([
      fromDatabase(logger, () => guildTargets(this.deps, access.guildId, region, this.deps.clock.now())),
      fromDatabase(logger, () => findOwnedCharacters(orm, access.guildId, bnetId)),
    ]);
    const { season } = targets;
    if (records.length === 0) {
      // Neither guild-api's roster nor a synced membership can say which characters are the caller's: saying
      // "you have none" would be a guess.
      if (!access.guild && !(await fromDatabase(logger, () => hasMemberships(orm, access.guildId)))) throw guildApiUnavailable();
      return presentMyCharacters(access.guildId, season, await this.fromSnapshot(access, bnetId, season));
    }

    let cacheSeconds = secondsWithinWeek(season, MY_CHARACTERS_SECONDS);
    const ranks = targets.teams.some((t) => t.plan.ranks.length > 0)
      ? await Promise.all(records.map((c) => fromDatabase(logger, () => memberRank(orm, access.guildId, c.characterId))))
      : [];
    const characters = records.map((c, i) => {
      const week = { ...season.week, targetIlvl: targets.targetOf({ rankId: ranks[i] ?? null, characterName: c.name, realm: c.realm }).targetIlvl };
      const { known, missing, fresh } = this.reader.glance(c, (reason) => this.enqueue(region, c.realm, c.name, access.guildId, reason, PRIORITY.background));
      // One unknown or stale character makes the whole body uncacheable: it is about to change.
      cacheSeconds = known && !fresh.stale ? Math.min(cacheSeconds, fresh.secondsLeft) : Number.NEGATIVE_INFINITY;
      if (missing) return presentMissingCharacter(c, week);
      return presentCharacterProgress(c, week, known ? fresh : { stale: fresh.refreshFailed, notice: fresh.notice });
    });
    const body = presentMyCharacters(access.guildId, season, characters);
    await responseCache.setMyCharacters(access.guildId, bnetId, body, records, cacheSeconds, cached.version);
    return body;
  }

  /** The projection has no membership for the caller yet: guild-api's roster says which characters are theirs. */
  private async fromSnapshot(access: GuildAccessState, bnetId: number, season: SeasonNow): Promise<CharacterProgressJson[]> {
    const guild = access.guild;
    if (!guild) return [];
    const members = (await this.deps.guildTracker.membersOf(access.guildId, bnetId)) ?? [];
    for (const m of members) {
      const realm = m.realm ?? guild.realm;
      this.reader.glance(undefined, (reason) => this.enqueue(season.region, realm, m.characterName, access.guildId, reason, PRIORITY.background));
    }
    return members.map((m) => presentUnfetchedMember(m, guild, season.week));
  }

  /** The view cached in the guild's member hash (only a current member's is ever stored there), or a claim on it. */
  private cachedDetail(guildId: number, realm: string, key: string): Promise<CharacterViewRead> {
    return this.deps.responseCache.getCharacterView(guildId, realm, key);
  }

  /**
   * Only a current member of the guild is served. A character the projection does not list yet is accepted
   * when guild-api's roster does, so a new member is viewable before the first guild sync finishes.
   */
  private async locate(access: GuildAccessState, realm: string, name: string, key: string) {
    const { logger, orm } = this.deps;
    const record = await fromDatabase(logger, () => findCharacterForGuild(orm, access.guildId, realm, key));
    if (record?.isMember) return { region: record.region as RegionCode, record };
    // A former name (a rename or realm transfer) says where the character went, whatever guild-api still lists.
    const renamed = record ? undefined : await fromDatabase(logger, () => findRenamedTo(orm, realm, key, REGIONS));
    if (renamed) throw characterRenamed(name, renamed);
    const member = await this.deps.guildTracker.memberNamed(access.guildId, realm, name);
    if (!member) throw characterNotFound();
    const region = await guildRegion(this.deps, access);
    return { region, record: record?.region === region ? record : undefined };
  }

  /** The character's projection row as the reader reads it again after a wait. */
  private target(guildId: number, region: RegionCode, realm: string, name: string): ReadTarget<CharacterRecord> {
    return {
      key: characterJobKey(region, realm, name),
      read: () => findCharacterForGuild(this.deps.orm, guildId, realm, nameKey(name), region),
      enqueue: (reason) => this.enqueue(region, realm, name, guildId, reason, PRIORITY.reader),
    };
  }

  private async enqueue(region: RegionCode, realm: string, name: string, guildId: number, reason: RefreshReason, priority: number) {
    return characterRefreshJob.enqueue(this.deps.queues, { region, realm, name, guildId, reason }, { priority });
  }
}
