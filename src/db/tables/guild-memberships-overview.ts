import type { AuditFilter } from '../../domain/audit.js';
import type { PlanWeek } from '../../domain/forecast.js';
import type { Status } from '../../domain/types.js';
import { query, toIso, type Db } from '../sql.js';

/** Members not fetched yet (no audit) match no audit filter. */
const AUDIT_SQL: Record<AuditFilter, string> = {
  missing_enchants: 'r.missing_enchants > 0',
  empty_sockets: 'r.empty_sockets > 0',
  tier_lt_4: 'r.tier_pieces < 4',
};

export type MemberSortKey = 'ilvl' | 'name' | 'class' | 'gap' | 'rank' | 'weekly_gain' | 'projected_week' | 'mplus' | 'vault';

export interface MemberFilters {
  className?: string;
  role?: string;
  status?: Status;
  /** Characters of at least this level; a character whose level is not known yet is left out. */
  minLevel?: number;
  /** Behind now and not projected to catch up within the plan (true), or the others (false). */
  atRisk?: boolean;
  /** Members with fewer Great Vault slots this week; a member whose activity is not known yet is left out. */
  vaultSlotsLt?: number;
  /** Members the gear audit flags: a missing enchant, an empty socket, or fewer than 4 tier pieces. */
  audit?: AuditFilter;
}

/** The weeks a projection looks at: the current one first (its target is targetIlvl), in week order. */
export interface Horizon {
  currentWeek: number;
  weeks: PlanWeek[];
}

export interface OverviewQuery extends MemberFilters {
  guildId: number;
  targetIlvl: number;
  /** Without one, only the current week is looked at. */
  horizon?: Horizon;
  sort: MemberSortKey;
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
  /** The region's reset this week began at: weekly activity stored for an earlier week reads as zero. */
  weekStart?: Date;
  /** Team target plans: members they cover are judged against their team's targets instead of targetIlvl. */
  teams?: TeamAssignment;
}

/**
 * Which members team plans cover, and each team's targets. Teams are numbered from 1 (0 is the guild's plan,
 * whose targets are targetIlvl and the horizon); a member is on the team its character names, else the team of
 * its rank, else none. Each member's target is then its team's.
 */
export interface TeamAssignment {
  ranks: Array<{ rankId: number; team: number }>;
  characters: Array<{ characterId: number; team: number }>;
  /** Each team's weeks, over the same weeks as the horizon, current week first. */
  horizons: Array<{ team: number; weeks: PlanWeek[] }>;
}

export interface MemberRecord {
  characterName: string;
  realm: string;
  className: string | null;
  specName: string | null;
  role: string | null;
  rankId: number | null;
  rankName: string | null;
  itemLevel: number | null;
  level: number | null;
  gap: number | null;
  status: Status;
  lastUpdated: string | null;
  weeklyGain: number | null;
  projectedWeek: number | null;
  atRisk: boolean;
  mplusScore: number | null;
  /** This week's unlocked Great Vault slots (raid and dungeons); null while activity is not known. */
  vaultSlots: number | null;
  /** Distinct raid bosses killed this week; null while activity is not known. */
  raidKillsThisWeek: number | null;
  missingEnchants: number | null;
  emptySockets: number | null;
  tierPieces: number | null;
  /** The target this member is judged against, when team plans applied: its team's, else the guild's. */
  targetIlvl?: number;
  /** The member's team (its number in the query's TeamAssignment), 0 for the guild's plan. */
  team?: number;
}

export interface OverviewCounts {
  /** Members matching the filters. */
  matching: number;
  total: number;
  onTrack: number;
  behind: number;
  unknown: number;
  /** Characters below the level cap: counted here only, not as on track, behind or unknown. */
  belowLevelCap: number;
  atRisk: number;
  averageIlvl: number | null;
  vault: VaultCounts;
}

export interface VaultCounts {
  /** Members whose activity is known. */
  known: number;
  averageSlots: number | null;
  /** Members with 0, 1, … 6 slots this week. */
  bySlots: number[];
}

/**
 * The officer overview: the one read of guild_memberships with filters and sorts. Each filter and sort is
 * written so that one of the table's partial indexes (all `where left_at is null`, led by guild_id) serves it:
 *   ilvl, and gap (see below)     guild_memberships_ilvl_idx (item_level desc nulls last) and
 *                                 guild_memberships_ilvl_asc_idx (item_level asc nulls last), one per direction
 *   status filter                 the same two, through a range on item_level
 *   name                          guild_memberships_name_idx (lower(character_name), realm_slug)
 *   class filter and sort         guild_memberships_class_idx (lower(class_name), lower(character_name), realm_slug)
 *   rank                          guild_memberships_rank_idx (rank_id)
 *   role filter                   none: three values, so it filters the rows the sort's index yields
 *   min_level filter              none: nearly every member is at the cap, so it would not narrow either
 * An EXPLAIN test holds these to it.
 */

/**
 * The first week of the horizon whose target the stored item level, grown by the stored weekly gain (none when
 * not positive) for each week after the current one, meets by the status rule (the gap rounded to one decimal
 * is not negative): the domain's projectWeek, set-based. The horizon's weeks and targets are two array
 * parameters turned into rows once, by WITH_HORIZON at the head of the statement (cast inside the lateral, they
 * would be parsed again for every member; a CTE inside MEMBERS would keep the planner from reading it in an
 * index's order), the current week a third; a null item level meets nothing.
 */
const WITH_HORIZON = 'with horizon as materialized (select * from unnest(?::int[], ?::float8[]) as h(week, target))';

const PROJECTED_WEEK = `
  select min(h.week) as projected_week
    from horizon h
   where round((m.item_level + greatest(coalesce(m.weekly_gain, 0), 0) * (h.week - ?::int) - h.target)::numeric, 1) >= 0`;

/** What an overview row holds, the same whichever plan sets the target (`g` the gap, `f` the projection). */
const MEMBER_COLUMNS = `select m.character_name, m.realm_slug, m.class_name, m.spec_name, m.role, m.rank_id, m.rank_name,
         m.item_level, m.level, m.last_updated, m.weekly_gain, m.missing_enchants, m.empty_sockets, m.tier_pieces, g.gap,
         case when g.gap is null then 'unknown' when g.gap >= 0 then 'ahead' else 'behind' end as status,
         f.projected_week, coalesce(g.gap < 0 and f.projected_week is null, false) as at_risk,
         a.mplus_score,
         case when a.week_start is null then null when w.this_week then a.vault_slots else 0 end as vault_slots,
         case when a.week_start is null then null when w.this_week then a.raid_bosses else 0 end as raid_kills_this_week`;

/**
 * The guild's current members with gap and status against this week's target. Both are derived here from the
 * stored item level rather than read from the row, so the overview moves to a new week's target at the reset
 * instead of when each character is next fetched. Same rule as the domain's progressFor: the gap rounded to one
 * decimal (numeric rounding, halves away from zero), ahead when it is not negative. Weekly activity is stored
 * with the week it was computed in; from an earlier week it reads as zero (nothing done yet this week).
 */
const MEMBERS = `
  ${MEMBER_COLUMNS}
    from guild_memberships m
   cross join lateral (select round((m.item_level::numeric - ?::numeric), 1)::float8 as gap) g
   cross join lateral (${PROJECTED_WEEK}) f
    left join character_activity a on a.character_id = m.character_id
   cross join lateral (select coalesce(a.week_start = ?::timestamptz, false) as this_week) w
   where m.guild_id = ? and m.left_at is null`;

/**
 * The same statement when team plans apply: each member's team (the character's, else its rank's, else 0 for the
 * guild's plan) picks its target and its horizon, both from one horizon table keyed by team. The gap and
 * status rule are unchanged; only the target differs from member to member.
 */
const WITH_TEAM_HORIZON = `with horizon as materialized (select * from unnest(?::int[], ?::int[], ?::float8[]) as h(team, week, target)),
  rank_team as materialized (select * from unnest(?::int[], ?::int[]) as t(rank_id, team)),
  character_team as materialized (select * from unnest(?::bigint[], ?::int[]) as t(character_id, team))`;

const TEAM_MEMBERS = `
  ${MEMBER_COLUMNS},
         tt.target as target_ilvl, tm.team
    from guild_memberships m
   cross join lateral (select coalesce((select t.team from character_team t where t.character_id = m.character_id limit 1),
                                       (select t.team from rank_team t where t.rank_id = m.rank_id limit 1), 0) as team) tm
   cross join lateral (select h.target from horizon h where h.team = tm.team and h.week = ?::int) tt
   cross join lateral (select round((m.item_level::numeric - tt.target::numeric), 1)::float8 as gap) g
   cross join lateral (${PROJECTED_WEEK} and h.team = tm.team) f
    left join character_activity a on a.character_id = m.character_id
   cross join lateral (select coalesce(a.week_start = ?::timestamptz, false) as this_week) w
   where m.guild_id = ? and m.left_at is null`;

/**
 * Columns are chosen from this table only, never from input, so ORDER BY cannot be injected. Every row has
 * the same target, so ordering by gap is ordering by item level (item levels carry one decimal, so no two
 * distinct ones round to the same gap); sorting on the column lets the item-level indexes serve it. Class
 * sorts through lower(), like the class filter, so one index serves both.
 */
const SORT_COLUMNS: Record<MemberSortKey, string> = {
  ilvl: 'r.item_level',
  name: 'lower(r.character_name)',
  class: 'lower(r.class_name)',
  gap: 'r.item_level',
  rank: 'r.rank_id',
  weekly_gain: 'r.weekly_gain',
  projected_week: 'r.projected_week',
  mplus: 'r.mplus_score',
  vault: 'r.vault_slots',
};

/**
 * Status is computed, so no index holds it; but each status is a range of item levels around the target.
 * Each clause pairs a range that contains every row of that status (ahead: a gap that rounds to 0 or more
 * means an item level above target - 0.05) with the exact rule, so the index narrows and the rule decides.
 */
function statusSql(status: Status, targetIlvl: number, teams: boolean): { sql: string; params: unknown[] } {
  // Under team plans the range around one target does not hold for every member: the rule alone decides.
  if (teams) return { sql: 'r.status = ?', params: [status] };
  switch (status) {
    case 'ahead':
      return { sql: `(r.item_level >= ?::float8 - 0.1 and r.status = 'ahead')`, params: [targetIlvl] };
    case 'behind':
      return { sql: `(r.item_level < ?::float8 and r.status = 'behind')`, params: [targetIlvl] };
    case 'unknown':
      return { sql: `(r.item_level is null and r.status = 'unknown')`, params: [] };
  }
}

function filterSql(filters: MemberFilters & { targetIlvl: number; teams?: TeamAssignment }): { sql: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (filters.className) {
    clauses.push('lower(r.class_name) = lower(?)');
    params.push(filters.className);
  }
  if (filters.role) {
    clauses.push('lower(r.role) = lower(?)');
    params.push(filters.role);
  }
  if (filters.status) {
    const status = statusSql(filters.status, filters.targetIlvl, filters.teams !== undefined);
    clauses.push(status.sql);
    params.push(...status.params);
  }
  if (filters.minLevel !== undefined) {
    clauses.push('r.level >= ?::int');
    params.push(filters.minLevel);
  }
  if (filters.atRisk !== undefined) clauses.push(filters.atRisk ? 'r.at_risk' : 'not r.at_risk');
  if (filters.vaultSlotsLt !== undefined) {
    clauses.push('r.vault_slots < ?::int');
    params.push(filters.vaultSlotsLt);
  }
  if (filters.audit) clauses.push(AUDIT_SQL[filters.audit]);
  return { sql: clauses.length ? clauses.join(' and ') : 'true', params };
}

/** 0 to 6 unlocked slots: three raid and three dungeon slots (the world row is not known). */
const VAULT_SLOT_COUNTS = [0, 1, 2, 3, 4, 5, 6] as const;

/** A statement with its parameters, built once so the EXPLAIN test plans exactly what the api runs. */
export interface Statement {
  sql: string;
  params: unknown[];
}

interface MemberRow {
  character_name: string;
  realm_slug: string;
  class_name: string | null;
  spec_name: string | null;
  role: string | null;
  rank_id: number | null;
  rank_name: string | null;
  item_level: number | null;
  level: number | null;
  last_updated: string | null;
  gap: number | null;
  status: MemberRecord['status'];
  weekly_gain: number | null;
  projected_week: number | null;
  at_risk: boolean;
  mplus_score: number | null;
  vault_slots: number | null;
  raid_kills_this_week: number | null;
  missing_enchants: number | null;
  empty_sockets: number | null;
  tier_pieces: number | null;
  target_ilvl?: number;
  team?: number;
}

const horizonOf = (q: { targetIlvl: number; horizon?: Horizon }): Horizon =>
  q.horizon ?? { currentWeek: 0, weeks: [{ week: 0, targetIlvl: q.targetIlvl }] };

/** A Postgres array literal: the query helper expands a JS array into a list. */
const arrayLiteral = (values: readonly number[]): string => `{${values.join(',')}}`;

/** The parameters of WITH_HORIZON (or WITH_TEAM_HORIZON, with teams). */
function horizonParams(q: { targetIlvl: number; horizon?: Horizon; teams?: TeamAssignment }): unknown[] {
  const { weeks } = horizonOf(q);
  if (!q.teams) return [arrayLiteral(weeks.map((w) => w.week)), arrayLiteral(weeks.map((w) => w.targetIlvl))];
  const all = [{ team: 0, weeks }, ...q.teams.horizons].flatMap((t) => t.weeks.map((w) => ({ team: t.team, ...w })));
  return [
    arrayLiteral(all.map((w) => w.team)), arrayLiteral(all.map((w) => w.week)), arrayLiteral(all.map((w) => w.targetIlvl)),
    arrayLiteral(q.teams.ranks.map((r) => r.rankId)), arrayLiteral(q.teams.ranks.map((r) => r.team)),
    arrayLiteral(q.teams.characters.map((c) => c.characterId)), arrayLiteral(q.teams.characters.map((c) => c.team)),
  ];
}

const withSql = (q: { teams?: TeamAssignment }): string => (q.teams ? WITH_TEAM_HORIZON : WITH_HORIZON);
const membersSql = (q: { teams?: TeamAssignment }): string => (q.teams ? TEAM_MEMBERS : MEMBERS);

/** The parameters of MEMBERS, in the order its placeholders appear. */
function membersParams(q: { targetIlvl: number; horizon?: Horizon; guildId: number; weekStart?: Date; teams?: TeamAssignment }): unknown[] {
  const currentWeek = horizonOf(q).currentWeek;
  if (q.teams) return [currentWeek, currentWeek, q.weekStart ?? null, q.guildId];
  return [q.targetIlvl, currentWeek, q.weekStart ?? null, q.guildId];
}

export function overviewPageStatement(q: OverviewQuery): Statement {
  const filter = filterSql(q);
  const direction = q.order === 'asc' ? 'asc' : 'desc';
  // With teams, targets differ between members: the gap itself is sorted, not the item level.
  const sort = q.teams && q.sort === 'gap' ? 'r.gap' : SORT_COLUMNS[q.sort];
  return {
    sql: `${withSql(q)} select r.* from (${membersSql(q)}) r
      where ${filter.sql}
      order by ${sort} ${direction} nulls last, lower(r.character_name) asc, r.realm_slug asc
      limit ? offset ?`,
    params: [...horizonParams(q), ...membersParams(q), ...filter.params, q.limit, q.offset],
  };
}

export async function findGuildMembers(db: Db, q: OverviewQuery): Promise<MemberRecord[]> {
  const statement = overviewPageStatement(q);
  const rows = await query<MemberRow>(db, statement.sql, statement.params);
  return rows.map((r) => ({
    characterName: r.character_name,
    realm: r.realm_slug,
    className: r.class_name,
    specName: r.spec_name,
    role: r.role,
    rankId: r.rank_id,
    rankName: r.rank_name,
    itemLevel: r.item_level,
    level: r.level,
    gap: r.gap,
    status: r.status,
    lastUpdated: toIso(r.last_updated),
    weeklyGain: r.weekly_gain,
    projectedWeek: r.projected_week,
    atRisk: r.at_risk,
    mplusScore: r.mplus_score,
    vaultSlots: r.vault_slots,
    raidKillsThisWeek: r.raid_kills_this_week,
    missingEnchants: r.missing_enchants,
    emptySockets: r.empty_sockets,
    tierPieces: r.tier_pieces,
    targetIlvl: r.target_ilvl ?? q.targetIlvl,
    team: r.team ?? 0,
  }));
}

interface CountsRow {
  matching: string;
  total: string;
  on_track: string;
  behind: string;
  unknown: string;
  below_level_cap: string;
  at_risk: string;
  average_ilvl: number | null;
  vault_known: string;
  vault_average: number | null;
  vault_by_slots: Array<string | number>;
}

export type CountsQuery = Omit<OverviewQuery, 'sort' | 'order' | 'limit' | 'offset'> & {
  /** The expansion's level cap: the summary sets characters below it apart. None when not known. */
  levelCap?: number | null;
};

/**
 * A character below the level cap (an alt being levelled) is set apart: counted in below_level_cap only, so
 * on_track, behind, unknown and below_level_cap add up to the total, and left out of the average item level,
 * which describes the characters at the cap. A character whose level is not known yet is not set apart.
 */
export function overviewCountsStatement(q: CountsQuery): Statement {
  const filter = filterSql(q);
  const below = 'coalesce(r.level < ?::int, false)';
  const atCap = `not ${below}`;
  return {
    sql: `${withSql(q)} select count(*) filter (where ${filter.sql}) as matching,
            count(*) as total,
            count(*) filter (where r.status = 'ahead' and ${atCap}) as on_track,
            count(*) filter (where r.status = 'behind' and ${atCap}) as behind,
            count(*) filter (where r.status = 'unknown' and ${atCap}) as unknown,
            count(*) filter (where ${below}) as below_level_cap,
            count(*) filter (where r.at_risk and ${atCap}) as at_risk,
            round((avg(r.item_level) filter (where ${atCap}))::numeric, 1)::float8 as average_ilvl,
            count(r.vault_slots) as vault_known,
            round(avg(r.vault_slots)::numeric, 1)::float8 as vault_average,
            array[${VAULT_SLOT_COUNTS.map((n) => `count(*) filter (where r.vault_slots = ${n})`).join(', ')}] as vault_by_slots
       from (${membersSql(q)}) r`,
    params: [...horizonParams(q), ...filter.params, ...Array<number | null>(6).fill(q.levelCap ?? null), ...membersParams(q)],
  };
}

/** Counts for the whole guild (the summary) and for the filtered rows (pagination), in one pass. */
export async function countGuildMembers(db: Db, q: CountsQuery): Promise<OverviewCounts> {
  const statement = overviewCountsStatement(q);
  const [row] = await query<CountsRow>(db, statement.sql, statement.params);
  return {
    matching: Number(row?.matching ?? 0),
    total: Number(row?.total ?? 0),
    onTrack: Number(row?.on_track ?? 0),
    behind: Number(row?.behind ?? 0),
    unknown: Number(row?.unknown ?? 0),
    belowLevelCap: Number(row?.below_level_cap ?? 0),
    atRisk: Number(row?.at_risk ?? 0),
    averageIlvl: row?.average_ilvl ?? null,
    vault: {
      known: Number(row?.vault_known ?? 0),
      averageSlots: row?.vault_average ?? null,
      bySlots: (row?.vault_by_slots ?? VAULT_SLOT_COUNTS.map(() => 0)).map(Number),
    },
  };
}
