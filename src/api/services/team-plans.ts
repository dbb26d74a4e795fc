import { findTeamPlan } from '../../db/tables/team-plans.js';
import { notFound } from '../../errors.js';
import type { TeamPlanChoice } from '../../season/team-targets.js';
import type { ApiDeps } from '../deps.js';
import { fromDatabase } from './read-model.js';

export const teamPlanNotFound = () => notFound('Team plan not found', 'team_plan_not_found');

/**
 * The targets a read judges members with: the stored team plans, or for a what-if (`?plan=`) the guild's plan
 * alone (`guild`) or one team plan of the guild (its newest version, a retired plan included) for everyone.
 */
export async function planChoice(deps: Pick<ApiDeps, 'orm' | 'logger'>, guildId: number, plan: string | undefined): Promise<TeamPlanChoice> {
  if (plan === undefined) return { kind: 'stored' };
  if (plan === 'guild') return { kind: 'guild' };
  const found = await fromDatabase(deps.logger, () => findTeamPlan(deps.orm, guildId, Number(plan)));
  if (!found) throw teamPlanNotFound();
  return { kind: 'everyone', plan: found };
}
