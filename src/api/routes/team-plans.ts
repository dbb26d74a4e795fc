import Router from '@koa/router';
import type { Context } from 'koa';
import { dropGuildTargets } from '../../cache/invalidate.js';
import { appendTeamPlan, createTeamPlan, findTeamPlanHistory, findTeamPlans, type TeamPlanWrite } from '../../db/tables/team-plans.js';
import { realmSlug } from '../../domain/realm.js';
import { MAX_TEAM_PLANS, teamPlanProblems } from '../../domain/team-plan.js';
import { AppError, unprocessable } from '../../errors.js';
import { guildTargets } from '../../season/team-targets.js';
import type { ApiDeps } from '../deps.js';
import { auth, userOf } from '../middleware/auth.js';
import { jsonBody, requireJson } from '../middleware/body.js';
import { accessOf, permission, trackGuild } from '../middleware/permission.js';
import { inputOf, validate } from '../middleware/validate.js';
import { presentTeamPlan } from '../presenters/team-plans.js';
import { guildParams } from '../schemas/common.js';
import { teamPlanBody, teamPlanParams, type TeamPlanBody } from '../schemas/team-plans.js';
import { guildRegion } from '../services/guild-context.js';
import { fromDatabase } from '../services/read-model.js';
import { teamPlanNotFound } from '../services/team-plans.js';

export const teamPlansInput = { params: guildParams };
export const teamPlanCreateInput = { params: guildParams, body: teamPlanBody };
export const teamPlanUpdateInput = { params: teamPlanParams, body: teamPlanBody };
export const teamPlanInput = { params: teamPlanParams };

/** The body as a plan to store, or a 422 naming each offending field. */
function toWrite(body: TeamPlanBody): TeamPlanWrite {
  const weeks = body.weeks?.map((w, index) => ({ week: w.week, ilvlTarget: w.ilvl_target, index }));
  const members = body.members.map((m) => ({ name: m.character_name, realm: realmSlug(m.realm) }));
  const problems = teamPlanProblems({ ranks: body.ranks, members, offset: body.offset, weeks });
  if (problems.length) {
    throw unprocessable(`Invalid value: ${[...new Set(problems.map((p) => p.field))].join(', ')}`, problems.map((p) => ({ ...p, in: 'body' })));
  }
  return {
    name: body.name,
    ranks: [...body.ranks].sort((a, b) => a - b),
    members,
    targets: weeks
      ? { kind: 'weeks', weeks: weeks.map(({ week, ilvlTarget }) => ({ week, targetIlvl: ilvlTarget })).sort((a, b) => a.week - b.week) }
      : { kind: 'offset', offset: body.offset ?? 0 },
  };
}

/**
 * Team target plans: targets a team (ranks or named characters) is judged against instead of the guild's plan,
 * everywhere the guild's numbers appear. Officers read them; the Guild Master creates, changes and retires them.
 * Every change is a new version (the history is kept) and drops the guild's cached bodies, whose targets it moves.
 */
export function teamPlanRoutes(deps: ApiDeps): Router {
  const router = new Router();
  const secret = deps.config.jwtSecretKey;
  const officers = [auth(secret), permission(deps, 'officer', 'Access denied - Officer rank required'), trackGuild(deps)];
  const guildMaster = [auth(secret), permission(deps, 'gm', 'Access denied - Guild Master only'), trackGuild(deps)];

  router.get('/guilds/:guild_id/progress/team-plans', ...officers, validate(teamPlansInput), async (ctx) => {
    const access = accessOf(ctx);
    const region = await guildRegion(deps, access);
    const [plans, targets] = await fromDatabase(deps.logger, () =>
      Promise.all([findTeamPlans(deps.orm, access.guildId), guildTargets(deps, access.guildId, region, deps.clock.now())]),
    );
    const current = new Map(targets.teams.map((t) => [t.plan.planId, t.targetIlvl]));
    ctx.body = {
      guild_id: access.guildId,
      current_week: targets.season.week.week,
      target_ilvl: targets.season.week.targetIlvl,
      plans: plans.map((p) => presentTeamPlan(p, current.get(p.planId))),
    };
  });

  router.get('/guilds/:guild_id/progress/team-plans/:plan_id/history', ...officers, validate(teamPlanInput), async (ctx) => {
    const { params } = inputOf(ctx, teamPlanInput);
    const { guildId } = accessOf(ctx);
    const versions = await fromDatabase(deps.logger, () => findTeamPlanHistory(deps.orm, guildId, params.plan_id));
    if (versions.length === 0) throw teamPlanNotFound();
    ctx.body = { guild_id: guildId, plan_id: params.plan_id, versions: versions.map((v) => presentTeamPlan(v)) };
  });

  /** Every body of the guild printed targets: the next read recomputes them under the plans now in force. */
  const changed = (ctx: Context) => dropGuildTargets(deps.redis, deps.keys, accessOf(ctx).guildId);

  router.post('/guilds/:guild_id/progress/team-plans', ...guildMaster, requireJson(), jsonBody(), validate(teamPlanCreateInput), async (ctx) => {
    const { body } = inputOf(ctx, teamPlanCreateInput);
    const { guildId } = accessOf(ctx);
    const plan = toWrite(body);
    const existing = await fromDatabase(deps.logger, () => findTeamPlans(deps.orm, guildId));
    if (existing.length >= MAX_TEAM_PLANS) throw new AppError(409, 'too_many_team_plans', `A guild has at most ${MAX_TEAM_PLANS} team plans`);
    const saved = await fromDatabase(deps.logger, () => createTeamPlan(deps.orm, guildId, plan, userOf(ctx).bnetId));
    await changed(ctx);
    ctx.status = 201;
    ctx.body = presentTeamPlan(saved);
  });

  router.put('/guilds/:guild_id/progress/team-plans/:plan_id', ...guildMaster, requireJson(), jsonBody(), validate(teamPlanUpdateInput), async (ctx) => {
    const { params, body } = inputOf(ctx, teamPlanUpdateInput);
    const { guildId } = accessOf(ctx);
    const plan = toWrite(body);
    const saved = await fromDatabase(deps.logger, () => appendTeamPlan(deps.orm, guildId, params.plan_id, plan, userOf(ctx).bnetId));
    if (!saved) throw teamPlanNotFound();
    await changed(ctx);
    ctx.body = presentTeamPlan(saved);
  });

  // Retiring is a version like any other: the plan stops judging anyone, its history stays.
  router.delete('/guilds/:guild_id/progress/team-plans/:plan_id', ...guildMaster, validate(teamPlanInput), async (ctx) => {
    const { params } = inputOf(ctx, teamPlanInput);
    const { guildId } = accessOf(ctx);
    const saved = await fromDatabase(deps.logger, () => appendTeamPlan(deps.orm, guildId, params.plan_id, 'retired', userOf(ctx).bnetId));
    if (!saved) throw teamPlanNotFound();
    await changed(ctx);
    ctx.body = presentTeamPlan(saved);
  });

  return router;
}
