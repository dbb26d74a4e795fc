import { storedJson, type StoredBody } from '../../cache/response-cache.js';
import { countGuildMembers, findGuildMembers, type MemberSortKey, type TeamAssignment } from '../../db/tables/guild-memberships-overview.js';
import { guildTargets, type GuildTargets, type TeamPlanChoice } from '../../season/team-targets.js';
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
export type OverviewDeps = Pick<ApiDeps, 'config' | 'clock' | 'logger' | 'orm' | 'responseCache' | 'season' | 'overviewFlight'>;

/** The overview variant's field in the guild's response hash: every query value that changes the body. */
export function overviewField(q: MembersQuery): string {
  const order = q.order ?? NATURAL_ORDER[q.sort];
  return `overview:${JSON.stringify([
    q.sort, order, q.class ?? '', q.role ?? '', q.status ?? '', q.min_level ?? '', q.at_risk ?? '', q.vault_slots_lt ?? '', q.audit ?? '',
    q.limit, q.offset, q.summary,
  ])}`;
}

/**
 * The overview's JSON as sent: from the guild's response hash, else computed, stored and returned as bytes.
 * `choice` previews other targets (`?plan=`): such a body is neither read from nor stored in the cache, so a
 * what-if never stands in for the real overview.
 */
export async function guildOverview(
  deps: OverviewDeps,
  access: GuildAccessState,
  q: MembersQuery,
  choice: TeamPlanChoice = { kind: 'stored' },
): Promise<StoredBody> {
  const preview = choice.kind !== 'stored';
  const field = overviewField(q);
  if (preview) return computeOverview(deps, access, q, choice, field, undefined);
  const cached = await deps.responseCache.getGuildBody(access.guildId, field, 'overview');
  if (cached.body) return cached.body;
  // Every officer's overview of a guild is the same body, and the cached one expires for all of them at once: the
  // misses that arrive while it is being computed wait for that one computation instead of each running the two
  // statements and serialising ~150 KB again (50 at once doubled the api's memory and stalled it).
  return deps.overviewFlight.run(`${access.guildId}:${field}`, () => computeOverview(deps, access, q, choice, field, cached.version));
}

async function computeOverview(
  deps: OverviewDeps,
  access: GuildAccessState,
  q: MembersQuery,
  choice: TeamPlanChoice,
  field: string,
  version: string | undefined,
): Promise<StoredBody> {
  const order = q.order ?? NATURAL_ORDER[q.sort];
  const preview = choice.kind !== 'stored';

  const region = await guildRegion(deps, access);
  const targets = await fromDatabase(deps.logger, () => guildTargets(deps, access.guildId, region, deps.clock.now(), choice));
  const { season } = targets;
  // Weekly activity belongs to the region's reset period; stored values from an earlier one read as zero.
  const weekStart = resetPeriodAt(season.at, season.region, deps.config.weeklyResets).startsAt;
  // One plan for everyone (a preview) is the guild's plan with other targets; stored team plans judge per member.
  const everyone = choice.kind === 'everyone' ? targets.teams[0] : undefined;
  const horizon = everyone ? { currentWeek: targets.horizon.currentWeek, weeks: everyone.horizon } : targets.horizon;
  const filters = {
    guildId: access.guildId, targetIlvl: everyone?.targetIlvl ?? season.week.targetIlvl, horizon, className: q.class, role: q.role, status: q.status,
    minLevel: q.min_level, atRisk: q.at_risk, vaultSlotsLt: q.vault_slots_lt, audit: q.audit, weekStart,
    teams: choice.kind === 'stored' ? teamAssignment(targets) : undefined,
  };
  const [members, counts] = await fromDatabase(deps.logger, () =>
    Promise.all([
      findGuildMembers(deps.orm, { ...filters, sort: q.sort, order, limit: q.limit, offset: q.offset }),
      countGuildMembers(deps.orm, { ...filters, levelCap: season.levelCap }),
    ]),
  );
  const teamNames = new Map(targets.teams.map((t, i) => [i + 1, { id: t.plan.planId, name: t.plan.name }]));
  const body = storedJson(presentOverview(access.guildId, season, counts, members, q.summary, {
    targetIlvl: filters.targetIlvl,
    teamOf: (m) => (everyone ? { id: everyone.plan.planId, name: everyone.plan.name } : teamNames.get(m.team ?? 0)),
    preview: preview ? { plan: everyone ? everyone.plan.planId : 'guild' } : undefined,
  }));
  if (!preview) await deps.responseCache.setGuildBody(access.guildId, field, body, secondsWithinWeek(season, OVERVIEW_SECONDS), version);
  return body;
}

/**
 * The stored team plans as the overview's SQL takes them: teams numbered from 1 in plan order, each rank on the
 * oldest plan listing it, each named character on the oldest plan naming it (which wins over its rank's).
 * None when the guild has no team plan, so the plain statement (and its indexes) serves it.
 */
function teamAssignment(targets: GuildTargets): TeamAssignment | undefined {
  if (targets.teams.length === 0) return undefined;
  const ranks = new Map<number, number>();
  const characters = new Map<number, number>();
  targets.teams.forEach((t, i) => {
    for (const rank of t.plan.ranks) if (!ranks.has(rank)) ranks.set(rank, i + 1);
    for (const id of t.characterIds) if (!characters.has(id)) characters.set(id, i + 1);
  });
  return {
    ranks: [...ranks].map(([rankId, team]) => ({ rankId, team })),
    characters: [...characters].map(([characterId, team]) => ({ characterId, team })),
    horizons: targets.teams.map((t, i) => ({ team: i + 1, weeks: t.horizon })),
  };
}
