import { projectWeek, type PlanWeek } from '../../domain/forecast.js';
import { progressFor } from '../../domain/progress.js';
import type { CurrentWeek } from '../../domain/season.js';
import type { CharacterRecord } from '../../db/tables/characters.js';
import type { GuildMember, GuildRef } from '../../queue/schemas.js';
import type { SeasonNow } from '../../season/calendar.js';
import type { ActivityJson } from '../schemas/activity.js';
import type {
  CharacterDetailJson, CharacterProgressJson, ForecastJson, HistoryBlockJson, MyCharactersJson, UpgradePlanJson,
} from '../schemas/characters.js';
import { presentAudit, presentEquippedItems, presentGearDetails, presentGearPriorities } from './gear.js';

/**
 * Class, spec and role before Battle.net has told them: a word rather than null, since clients lower-case and
 * compare these fields. The class comes from the guild roster at the first sync, spec and role from the
 * character's profile.
 */
export const NOT_YET_KNOWN = 'Unknown';
export const knownOr = (value: string | null): string => value ?? NOT_YET_KNOWN;

export interface FreshnessFields {
  stale: boolean;
  notice?: string;
}

export function presentProgress(itemLevel: number | null, week: CurrentWeek): CharacterProgressJson['progress'] {
  const progress = progressFor(itemLevel, week.targetIlvl);
  return {
    target_ilvl: week.targetIlvl,
    current_week: week.week,
    gap: progress.gap,
    status: progress.status,
    status_label: progress.statusLabel,
    message: progress.message,
  };
}

export function presentCharacterProgress(c: CharacterRecord, week: CurrentWeek, fresh: FreshnessFields): CharacterProgressJson {
  const body: CharacterProgressJson = {
    character_name: c.name,
    realm: c.realm,
    region: c.region,
    class_name: knownOr(c.className),
    spec: knownOr(c.specName),
    role: knownOr(c.role),
    level: c.level,
    current_ilvl: c.itemLevel,
    progress: presentProgress(c.itemLevel, week),
    fetched_at: c.fetchedAt,
    stale: fresh.stale,
  };
  if (fresh.notice) body.notice = fresh.notice;
  return body;
}

/**
 * A member Battle.net says does not exist (a typo in guild-api, a renamed or moved character): shown as not
 * found rather than as "being fetched", since it is not asked for again until the not-found window has passed.
 */
export function presentMissingCharacter(c: CharacterRecord, week: CurrentWeek): CharacterProgressJson {
  const body = presentCharacterProgress({ ...c, itemLevel: null }, week, { stale: false });
  body.progress = {
    ...body.progress,
    status_label: 'Not found',
    message: `Battle.net does not know ${c.name} on ${c.realm}; it will be looked up again later`,
  };
  return body;
}

/** A member guild-api lists but progress-api has not fetched yet. */
export function presentUnfetchedMember(member: GuildMember, guild: GuildRef, week: CurrentWeek): CharacterProgressJson {
  return {
    character_name: member.characterName,
    realm: member.realm ?? guild.realm,
    region: guild.region,
    class_name: NOT_YET_KNOWN,
    spec: NOT_YET_KNOWN,
    role: NOT_YET_KNOWN,
    level: null,
    current_ilvl: null,
    progress: presentProgress(null, week),
    fetched_at: null,
    stale: false,
  };
}

const CONFIDENCES = ['high', 'medium', 'low'] as const;

/** The stored weekly gain projected over the plan's coming weeks; at risk when behind and never caught up. */
export function presentForecast(c: Pick<CharacterRecord, 'itemLevel' | 'weeklyGain' | 'gainConfidence'>, horizon: { currentWeek: number; weeks: PlanWeek[] }): ForecastJson {
  const projection = projectWeek(c.itemLevel, c.weeklyGain, horizon.currentWeek, horizon.weeks);
  const target = horizon.weeks[0]?.targetIlvl;
  const behind = c.itemLevel !== null && target !== undefined && progressFor(c.itemLevel, target).status === 'behind';
  return {
    weekly_gain: c.weeklyGain,
    confidence: CONFIDENCES.find((x) => x === c.gainConfidence) ?? null,
    projected_week: projection.projectedWeek,
    reason: projection.reason,
    message: projection.message,
    at_risk: behind && projection.projectedWeek === null,
  };
}

/** What the character view shows beside the stored projection, read or derived when the view is built. */
export interface DetailExtras {
  history: HistoryBlockJson;
  activity: ActivityJson | null;
  forecast: ForecastJson;
  upgradePlan: UpgradePlanJson | null;
}

export function presentCharacterDetail(c: CharacterRecord, week: CurrentWeek, fresh: FreshnessFields, extras: DetailExtras): CharacterDetailJson {
  const progress = presentCharacterProgress(c, week, fresh);
  const equipped = presentEquippedItems(c.equippedItems);
  return {
    character: {
      ...progress,
      equipped_items: equipped,
      audit: presentAudit(c.audit),
      // hool.gg's web app reads the spec, the gear and the fetch time under these names.
      spec_name: progress.spec,
      gear_details: presentGearDetails(equipped),
      last_updated: c.fetchedAt,
    },
    target_ilvl: week.targetIlvl,
    current_week: week.week,
    gear_priorities: presentGearPriorities(c.gearPriorities, week.targetIlvl),
    history: extras.history,
    activity: extras.activity,
    forecast: extras.forecast,
    upgrade_plan: extras.upgradePlan,
  };
}

export function presentMyCharacters(guildId: number, season: SeasonNow, characters: CharacterProgressJson[]): MyCharactersJson {
  const body: MyCharactersJson = {
    guild_id: guildId,
    expansion: season.expansion,
    season: season.season,
    current_week: season.week.week,
    target_ilvl: season.week.targetIlvl,
    characters,
  };
  if (characters.length === 0) body.message = 'You have no characters in this guild';
  return body;
}
