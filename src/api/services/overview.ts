import { countGuildMembers, findGuildMembers, type MemberSortKey } from '../../db/tables/guild-memberships-overview.js';
import { resetPeriodAt } from '../../domain/activity.js';
import type { ApiDeps } from '../deps.js';
import type { GuildAccessState } from '../middleware/permission.js';
import { presentOverview } from '../presenters/members.js';
import type { MembersJson, MembersQuery } from '../schemas/members.js';
import { secondsWithinWeek } from '../../season/calendar.js';
import { guildRegion } from './guild-context.js';
import { fromDatabase } from './read-model.js';

/**
 * Each sort's natural direction: strongest first for item level, weekly gain, score and vault, most behind first
 * for the gap, soonest first for the projected week, A–Z otherwise.
 */
export const NATURAL_ORDER: Record<MemberSortKey, 'asc' | 'desc'> = {
  ilvl: 'desc', gap: 'asc', name: 'asc', class: 'asc', rank: 'asc', weekly_gain: 'desc', projected_week: 'asc', mplus: 'desc', vault: 'desc',
};

/**
 * The worker drops the guild's cached bodies after every write; this bound covers what no write announces. The
 * weekly reset, which moves the target, also ends every cached body (secondsWithinWeek).
 */
const OVERVIEW_SECONDS = 60;

/** The officer overview: one page of current members with this week's gap and status, and the guild summary. */
export type OverviewDeps = Pick<ApiDeps, 'config' | 'logger' | 'orm' | 'responseCache' | 'season'>;

export async function guildOverview(deps: OverviewDeps, access: GuildAccessState, q: MembersQuery): Promise<MembersJson> {
  const order = q.order ?? NATURAL_ORDER[q.sort];
  const field = `overview:${JSON.stringify([
    q.sort, order, q.class ?? '', q.role ?? '', q.status ?? '', q.min_level ?? '', q.at_risk ?? '', q.vault_slots_lt ?? '', q.audit ?? '',
    q.limit, q.offset, q.summary,
  ])}`;
  const cached = await deps.responseCache.getGuild<MembersJson>(access.guildId, field, 'overview');
  if (cached.body) return cached.body;

  const season = await deps.season.now(await guildRegion(deps, access), access.guildId);
  const horizon = await deps.season.horizon(season.region, season.at, access.guildId);
  // Weekly activity belongs to the region's reset period; stored values from an earlier one read as zero.
  const weekStart = resetPeriodAt(season.at, season.region, deps.config.weeklyResets).startsAt;
  const filters = {
    guildId: access.guildId, targetIlvl: season.week.targetIlvl, horizon, className: q.class, role: q.role, status: q.status,
    minLevel: q.min_level, atRisk: q.at_risk, vaultSlotsLt: q.vault_slots_lt, audit: q.audit, weekStart,
  };
  const [members, counts] = await fromDatabase(deps.logger, () =>
    Promise.all([
      findGuildMembers(deps.orm, { ...filters, sort: q.sort, order, limit: q.limit, offset: q.offset }),
      countGuildMembers(deps.orm, { ...filters, levelCap: season.levelCap }),
    ]),
  );
  const body = presentOverview(access.guildId, season, counts, members, q.summary);
  await deps.responseCache.setGuild(access.guildId, field, body, secondsWithinWeek(season, OVERVIEW_SECONDS), cached.version);
  return body;
}
