import Router from '@koa/router';
import { dropGuildTargets } from '../../cache/invalidate.js';
import { appendGuildPlan } from '../../db/tables/guild-plans.js';
import { guildPlanProblems, withoutSeasonPreSeason } from '../../domain/guild-plan.js';
import { unprocessable } from '../../errors.js';
import type { ApiDeps } from '../deps.js';
import { auth, userOf } from '../middleware/auth.js';
import { jsonBody, requireJson } from '../middleware/body.js';
import { accessOf, permission, trackGuild } from '../middleware/permission.js';
import { inputOf, validate } from '../middleware/validate.js';
import { presentRoadmap } from '../presenters/roadmap.js';
import { guildParams } from '../schemas/common.js';
import { roadmapBody } from '../schemas/roadmap.js';
import { guildRegion } from '../services/guild-context.js';
import { fromDatabase } from '../services/read-model.js';

export const roadmapInput = { params: guildParams };
export const roadmapWriteInput = { params: guildParams, body: roadmapBody };

/**
 * The weekly targets a guild follows: the season plan, or the guild's own once its Guild Master saves one.
 * The guild's region decides start dates and the current week.
 */
export function roadmapRoutes(deps: ApiDeps): Router {
  const router = new Router();
  const secret = deps.config.jwtSecretKey;

  router.get('/guilds/:guild_id/progress/roadmap', auth(secret), permission(deps, 'member'), trackGuild(deps), validate(roadmapInput), async (ctx) => {
    const access = accessOf(ctx);
    ctx.body = presentRoadmap(await deps.season.roadmap(await guildRegion(deps, access), access.guildId));
  });

  router.put(
    '/guilds/:guild_id/progress/roadmap',
    auth(secret),
    permission(deps, 'gm', 'Access denied - Guild Master only'), trackGuild(deps),
    requireJson(),
    jsonBody(),
    validate(roadmapWriteInput),
    async (ctx) => {
      const { body } = inputOf(ctx, roadmapWriteInput);
      const access = accessOf(ctx);
      const region = await guildRegion(deps, access);
      // The season plan itself (no guild named), to recognise its pre-season weeks sent back unchanged.
      const season = await deps.season.roadmap(region);
      const sent = body.weeks.map((w, index) => ({ week: w.week, ilvlTarget: w.ilvl_target, index }));
      const weeks = withoutSeasonPreSeason(sent, season.weeks);
      const problems = guildPlanProblems(weeks);
      if (problems.length) {
        throw unprocessable(`Invalid value: ${[...new Set(problems.map((p) => p.field))].join(', ')}`, problems.map((p) => ({ ...p, in: 'body' })));
      }
      const plan = { expansionId: body.expansion_id, weeks: weeks.map(({ week, ilvlTarget }) => ({ week, targetIlvl: ilvlTarget })).sort((a, b) => a.week - b.week) };
      await fromDatabase(deps.logger, () => appendGuildPlan(deps.orm, access.guildId, plan, userOf(ctx).bnetId));
      // Every cached body of the guild carries targets; the next read recomputes them under the new plan.
      await dropGuildTargets(deps.redis, deps.keys, access.guildId);
      ctx.body = presentRoadmap(await deps.season.roadmap(region, access.guildId));
    },
  );
  return router;
}
