import type { PlanWeek } from './forecast.js';
import { ITEM_LEVEL_MAX, ITEM_LEVEL_MIN, MAX_PLAN_WEEKS, type PlanProblem } from './guild-plan.js';

/**
 * A team target plan: the targets one team of a guild is judged against instead of the guild's plan. A team is
 * a set of guild ranks, a named list of characters, or both. Its targets are either the guild's own, moved by
 * an offset every week ("the Mythic team: +3 every week"), or weekly targets of its own.
 */
export interface TeamPlan {
  /** Stable across versions: the id the api and `?plan=` name. */
  planId: number;
  name: string;
  /** Guild ranks (0 = Guild Master) whose members are on the team. */
  ranks: number[];
  /** Characters on the team whatever their rank: name and realm slug, matched by teamMemberKey. */
  members: Array<{ name: string; realm: string }>;
  targets: TeamTargets;
}

export type TeamTargets =
  | { kind: 'offset'; offset: number }
  /** In week order; the target of the last planned week at or before a week is in force (the first before it). */
  | { kind: 'weeks'; weeks: PlanWeek[] };

/** Who a member is, for the team rule: rank and character. */
export interface TeamMember {
  rankId: number | null;
  characterName: string;
  realm: string;
}

/** Offsets further than this from the guild's plan are a typing mistake, not a plan. */
export const MAX_TEAM_OFFSET = 100;
/** A guild has a handful of teams; a roster has a few hundred characters. */
export const MAX_TEAM_PLANS = 20;
export const MAX_TEAM_MEMBERS = 500;

/**
 * The key a character is matched on: its name lower-cased as the projection stores it, and the realm slug. The
 * overview's SQL builds the same key from `lower(character_name)` and `realm_slug`.
 */
export const teamMemberKey = (name: string, realmSlug: string): string => `${name.normalize('NFC').toLocaleLowerCase('en-US')}|${realmSlug}`;

/**
 * The team a member is judged with, among the guild's plans: a plan that names the character wins over a plan
 * that lists its rank (a named roster is the more specific choice), and among several of the same kind the
 * oldest plan (lowest id) wins, so adding a plan never moves members of an existing one. None: the guild's plan.
 */
export function teamOf(plans: readonly TeamPlan[], member: TeamMember): TeamPlan | undefined {
  const ordered = [...plans].sort((a, b) => a.planId - b.planId);
  const key = teamMemberKey(member.characterName, member.realm);
  const named = ordered.find((p) => p.members.some((m) => teamMemberKey(m.name, m.realm) === key));
  if (named) return named;
  if (member.rankId === null) return undefined;
  return ordered.find((p) => p.ranks.includes(member.rankId as number));
}

/** The team's target in a week whose target under the guild's plan is `guildTarget`. */
export function teamTarget(targets: TeamTargets, week: number, guildTarget: number): number {
  if (targets.kind === 'offset') return Math.round((guildTarget + targets.offset) * 10) / 10;
  const planned = targets.weeks;
  const inForce = planned.filter((w) => w.week <= week).at(-1) ?? planned[0];
  return inForce ? inForce.targetIlvl : guildTarget;
}

/** The guild's horizon (current week first) as the team sees it. */
export function teamHorizon(targets: TeamTargets, weeks: readonly PlanWeek[]): PlanWeek[] {
  return weeks.map((w) => ({ week: w.week, targetIlvl: teamTarget(targets, w.week, w.targetIlvl) }));
}

/** Why a plan as sent cannot be saved; empty when it can. Fields are paths in the request body. */
export function teamPlanProblems(plan: {
  ranks: readonly number[];
  members: ReadonlyArray<{ name: string; realm: string }>;
  offset?: number;
  weeks?: ReadonlyArray<{ week: number; ilvlTarget: number }>;
}): PlanProblem[] {
  const problems: PlanProblem[] = [];
  if (plan.ranks.length === 0 && plan.members.length === 0) problems.push({ field: 'ranks', message: 'name at least one rank or one member' });
  if (new Set(plan.ranks).size !== plan.ranks.length) problems.push({ field: 'ranks', message: 'lists a rank twice' });
  if (plan.members.length > MAX_TEAM_MEMBERS) problems.push({ field: 'members', message: `must list at most ${MAX_TEAM_MEMBERS} members` });
  const hasOffset = plan.offset !== undefined;
  const hasWeeks = plan.weeks !== undefined;
  if (hasOffset === hasWeeks) problems.push({ field: 'offset', message: 'give either offset or weeks, not both or neither' });
  if (plan.offset !== undefined && Math.abs(plan.offset) > MAX_TEAM_OFFSET) {
    problems.push({ field: 'offset', message: `must be between -${MAX_TEAM_OFFSET} and ${MAX_TEAM_OFFSET}` });
  }
  if (plan.weeks) {
    if (plan.weeks.length === 0) problems.push({ field: 'weeks', message: 'must list at least one week' });
    if (plan.weeks.length > MAX_PLAN_WEEKS) problems.push({ field: 'weeks', message: `must list at most ${MAX_PLAN_WEEKS} weeks` });
    const seen = new Set<number>();
    plan.weeks.forEach(({ week, ilvlTarget }, index) => {
      if (week < 1 || week > MAX_PLAN_WEEKS) problems.push({ field: `weeks.${index}.week`, message: `must be between 1 and ${MAX_PLAN_WEEKS}` });
      else if (seen.has(week)) problems.push({ field: `weeks.${index}.week`, message: `week ${week} is listed twice` });
      seen.add(week);
      if (ilvlTarget < ITEM_LEVEL_MIN || ilvlTarget > ITEM_LEVEL_MAX) {
        problems.push({ field: `weeks.${index}.ilvl_target`, message: `must be between ${ITEM_LEVEL_MIN} and ${ITEM_LEVEL_MAX}` });
      }
    });
  }
  return problems;
}
