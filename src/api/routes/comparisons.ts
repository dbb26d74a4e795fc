import Router from '@koa/router';
import type { ApiDeps } from '../deps.js';
import { auth } from '../middleware/auth.js';
import { accessOf, permission, trackGuild } from '../middleware/permission.js';
import { inputOf, validate } from '../middleware/validate.js';
import { presentPending } from '../presenters/pending.js';
import { guildParams } from '../schemas/common.js';
import { comparisonsQuery } from '../schemas/comparisons.js';
import { Comparisons } from '../services/comparisons.js';

export const comparisonsInput = { params: guildParams, query: comparisonsQuery };

/** How the guild (or another) ranks on WarcraftLogs. Any member. */
export function comparisonRoutes(deps: ApiDeps): Router {
  const router = new Router();
  const comparisons = new Comparisons(deps);
  router.get(
    '/guilds/:guild_id/progress/comparisons',
    auth(deps.config.jwtSecretKey),
    permission(deps, 'member'), trackGuild(deps),
    validate(comparisonsInput),
    async (ctx) => {
      const { query } = inputOf(ctx, comparisonsInput);
      const result = await comparisons.get(accessOf(ctx), query);
      if (result.kind === 'pending') {
        ctx.status = 202;
        ctx.set('Retry-After', '5');
        ctx.body = presentPending();
        return;
      }
      ctx.body = result.body;
    },
  );
  return router;
}
