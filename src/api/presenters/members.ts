import { STATUS_LABELS } from '../../domain/progress.js';
import type { MemberRecord, OverviewCounts } from '../../db/tables/guild-memberships-overview.js';
import { knownOr } from './character.js';
import type { MemberJson, MembersJson } from '../schemas/members.js';
import type { SeasonNow } from '../../season/calendar.js';

export interface TeamOfMember {
  id: number;
  name: string;
}

export function presentMember(m: MemberRecord, targetIlvl: number, team?: TeamOfMember): MemberJson {
  return {
    character_name: m.characterName,
    realm: m.realm,
    class_name: knownOr(m.className),
    spec: knownOr(m.specName),
    role: knownOr(m.role),
    level: m.level,
    rank_id: m.rankId,
    rank_name: m.rankName,
    current_ilvl: m.itemLevel,
    target_ilvl: m.targetIlvl ?? targetIlvl,
    team_plan_id: team?.id ?? null,
    team_plan: team?.name ?? null,
    gap: m.gap,
    status: m.status,
    status_label: STATUS_LABELS[m.status],
    last_updated: m.lastUpdated,
    weekly_gain: m.weeklyGain,
    projected_week: m.projectedWeek,
    at_risk: m.atRisk,
    mplus_score: m.mplusScore,
    vault_slots: m.vaultSlots,
    raid_kills_this_week: m.raidKillsThisWeek,
    missing_enchants: m.missingEnchants,
    empty_sockets: m.emptySockets,
    tier_pieces: m.tierPieces,
  };
}

export function presentOverview(
  guildId: number,
  season: SeasonNow,
  counts: OverviewCounts,
  members: MemberRecord[],
  includeSummary: boolean,
  teams: {
    /** The target of members no team plan covers (the guild's, or a previewed plan's). */
    targetIlvl?: number;
    teamOf?: (m: MemberRecord) => TeamOfMember | undefined;
    preview?: { plan: number | 'guild' };
  } = {},
): MembersJson {
  const target = teams.targetIlvl ?? season.week.targetIlvl;
  const summary = includeSummary
    ? {
      total: counts.total, on_track: counts.onTrack, behind: counts.behind, unknown: counts.unknown,
      below_level_cap: counts.belowLevelCap, at_risk: counts.atRisk, average_ilvl: counts.averageIlvl,
      vault: { known: counts.vault.known, average_slots: counts.vault.averageSlots, by_slots: counts.vault.bySlots },
    }
    : undefined;
  const body: MembersJson = {
    guild_id: guildId,
    expansion: season.expansion,
    season: season.season,
    current_week: season.week.week,
    target_ilvl: target,
    level_cap: season.levelCap,
    ...(summary && { summary }),
    total: counts.matching,
    ...(teams.preview && { preview: teams.preview }),
    members: members.map((m) => presentMember(m, target, teams.teamOf?.(m))),
  };
  return body;
}

const CSV_COLUMNS: Array<keyof MemberJson> = [
  'character_name', 'realm', 'class_name', 'spec', 'role', 'level', 'rank_id', 'rank_name',
  'current_ilvl', 'target_ilvl', 'gap', 'status', 'status_label', 'last_updated',
  'weekly_gain', 'projected_week', 'at_risk', 'mplus_score', 'vault_slots', 'raid_kills_this_week',
  'missing_enchants', 'empty_sockets', 'tier_pieces', 'team_plan',
];

/**
 * A text cell that a spreadsheet would read as a formula (=, +, -, @) is prefixed with a quote, since rank names
 * are typed by players; numbers are written as numbers.
 */
export function csvCell(value: string | number | boolean | null): string {
  if (value === null) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * Excel reads a CSV without a byte-order mark in the machine's legacy code page, so "Zúljín" would show as
 * "ZÃºljÃ­n"; with it, as UTF-8. Other readers skip it.
 */
export const UTF8_BOM = '\uFEFF';

/** The same rows as the JSON overview, one line each, header first. */
export function membersCsv(members: MemberJson[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const m of members) lines.push(CSV_COLUMNS.map((c) => csvCell(m[c] as string | number | boolean | null)).join(','));
  return `${UTF8_BOM}${lines.join('\r\n')}\r\n`;
}
