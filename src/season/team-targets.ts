import type { MikroORM } from '@mikro-orm/postgresql';
import { query } from '../db/sql.js';
import { findTeamPlans } from '../db/tables/team-plans.js';
import type { PlanWeek } from '../domain/forecast.js';
import type { TargetWeek } from '../domain/history.js';
import type { RegionCode } from '../domain/regions.js';
import { teamHorizon, teamMemberKey, teamOf, teamTarget, type TeamMember, type TeamPlan } from '../domain/team-plan.js';
import type { Logger } from '../logger.js';
import type { SeasonCalendar, SeasonNow } from './calendar.js';

/** What the team targets read: the stored plans and the guild's own calendar. */
export interface TeamTargetDeps {
  orm: MikroORM;
  logger: Logger;
  season: SeasonCalendar;
}

/** The target one member is judged against in one week, and the team plan it comes from (none: the guild's). */
export interface MemberTarget {
  week: number;
  targetIlvl: number;
  /** The guild's own target that week, whatever the member's team. */
  guildTargetIlvl: number;
  teamPlanId: number | null;
  teamName: string | null;
}

/** A team plan with its targets over the guild's horizon, current week first. */
export interface ResolvedTeam {
  plan: TeamPlan;
  targetIlvl: number;
  horizon: PlanWeek[];
  /** Characters the plan names, as stored character ids (those never fetched have none and match by name). */
  characterIds: number[];
}

/**
 * Everything needed to judge any member of a guild at one instant: the guild's week, its horizon, and each team
 * plan with its targets. Built once per read, it answers for every member without further I/O.
 */
export interface GuildTargets {
  season: SeasonNow;
  horizon: { currentWeek: number; weeks: PlanWeek[] };
  teams: ResolvedTeam[];
  /** The member's target this week: its team's when a plan covers it, else the guild's. */
  targetOf(member: TeamMember): MemberTarget;
  /** The member's horizon (current week first): its team's targets, else the guild's. */
  horizonOf(member: TeamMember): { currentWeek: number; weeks: PlanWeek[] };
  /** A target line of the guild's weeks, as the member's team sees it. */
  lineOf(member: TeamMember, line: readonly TargetWeek[]): TargetWeek[];
}

/**
 * Which plans judge the guild: its stored team plans, or for a what-if, none (`guild`: everyone against the
 * guild's plan) or one plan applied to every member.
 */
export type TeamPlanChoice = { kind: 'stored' } | { kind: 'guild' } | { kind: 'everyone'; plan: TeamPlan };

/**
 * The targets of a guild's members at an instant (the week in force then in the region), under its team plans.
 * The digest and change events call this (or memberTarget) so that every number the guild sees uses one rule.
 */
export async function guildTargets(
  deps: TeamTargetDeps,
  guildId: number,
  region: RegionCode,
  at: Date,
  choice: TeamPlanChoice = { kind: 'stored' },
): Promise<GuildTargets> {
  const [season, horizon, plans] = await Promise.all([
    deps.season.at(at, region, guildId),
    deps.season.horizon(region, at, guildId),
    choice.kind === 'stored' ? findTeamPlans(deps.orm, guildId) : Promise.resolve(choice.kind === 'everyone' ? [choice.plan] : []),
  ]);
  const ids = await characterIdsOf(deps.orm, region, plans);
  const teams: ResolvedTeam[] = plans.map((plan) => {
    const weeks = teamHorizon(plan.targets, horizon.weeks);
    return {
      plan,
      targetIlvl: weeks[0]?.targetIlvl ?? teamTarget(plan.targets, season.week.week, season.week.targetIlvl),
      horizon: weeks,
      characterIds: plan.members.flatMap((m) => ids.get(teamMemberKey(m.name, m.realm)) ?? []),
    };
  });
  const byPlan = new Map(teams.map((t) => [t.plan.planId, t]));
  const everyone = choice.kind === 'everyone' ? teams[0] : undefined;
  const teamFor = (member: TeamMember): ResolvedTeam | undefined => {
    if (everyone) return everyone;
    const plan = teamOf(plans, member);
    return plan && byPlan.get(plan.planId);
  };
  return {
    season,
    horizon,
    teams,
    targetOf(member) {
      const team = teamFor(member);
      return {
        week: season.week.week,
        targetIlvl: team ? team.targetIlvl : season.week.targetIlvl,
        guildTargetIlvl: season.week.targetIlvl,
        teamPlanId: team?.plan.planId ?? null,
        teamName: team?.plan.name ?? null,
      };
    },
    horizonOf(member) {
      const team = teamFor(member);
      return team ? { currentWeek: horizon.currentWeek, weeks: team.horizon } : horizon;
    },
    lineOf(member, line) {
      const team = teamFor(member);
      return team ? line.map((w) => ({ ...w, targetIlvl: teamTarget(team.plan.targets, w.week, w.targetIlvl) })) : [...line];
    },
  };
}

/** The target of member M of guild G in the week in force at `at` in the guild's region. */
export async function memberTarget(deps: TeamTargetDeps, guildId: number, region: RegionCode, member: TeamMember, at: Date): Promise<MemberTarget> {
  return (await guildTargets(deps, guildId, region, at)).targetOf(member);
}

/** A current member's rank in the guild (null when not known or not a member). */
export async function memberRank(orm: MikroORM, guildId: number, characterId: number): Promise<number | null> {
  const rows = await query<{ rank_id: number | null }>(
    orm,
    'select rank_id from guild_memberships where guild_id = ? and character_id = ? and left_at is null limit 1',
    [guildId, characterId],
  );
  return rows[0]?.rank_id ?? null;
}

/** The stored characters the plans name, by their team key: the overview matches members by character id. */
async function characterIdsOf(orm: MikroORM, region: RegionCode, plans: readonly TeamPlan[]): Promise<Map<string, number[]>> {
  const named = plans.flatMap((p) => p.members);
  const found = new Map<string, number[]>();
  if (named.length === 0) return found;
  const wanted = JSON.stringify(named.map((m) => ({ name_key: teamMemberKey(m.name, m.realm).split('|')[0], realm_slug: m.realm })));
  const rows = await query<{ id: string; name_key: string; realm_slug: string }>(
    orm,
    `select c.id, c.name_key, c.realm_slug from characters c
       join jsonb_to_recordset(?::jsonb) as w(name_key text, realm_slug text) on w.name_key = c.name_key and w.realm_slug = c.realm_slug
      where c.region = ?`,
    [wanted, region],
  );
  for (const r of rows) {
    const key = teamMemberKey(r.name_key, r.realm_slug);
    found.set(key, [...(found.get(key) ?? []), Number(r.id)]);
  }
  return found;
}
