import Router from '@koa/router';
import type { ApiDeps } from '../deps.js';
import { auth } from '../middleware/auth.js';
import { accessOf, permission } from '../middleware/permission.js';
import { validate } from '../middleware/validate.js';
import { presentRoadmap } from '../presenters/roadmap.js';
import { guildParams } from '../schemas/common.js';
import { guildRegion } from '../services/guild-context.js';

export const roadmapInput = { params: guildParams };

/** Every weekly target of the season in force, with the guild's region deciding start dates and the current week. */
export function roadmapRoutes(deps: ApiDeps): Router {
  const router = new Router();
  router.get('/guilds/:guild_id/progress/roadmap', auth(deps.config.jwtSecretKey), permission(deps, 'member'), validate(roadmapInput), async (ctx) => {
    const region = await guildRegion(deps, accessOf(ctx));
    ctx.body = presentRoadmap(await deps.season.roadmap(region, accessOf(ctx).guildId));
  });
  return router;
}
