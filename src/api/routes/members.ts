import Router from '@koa/router';
import type { Context } from 'koa';
import type { TokenScope } from '../../db/tables/api-tokens.js';
import type { ApiDeps } from '../deps.js';
import { auth } from '../middleware/auth.js';
import { accessOf, permission, trackGuild } from '../middleware/permission.js';
import { inputOf, validate } from '../middleware/validate.js';
import { membersCsv } from '../presenters/members.js';
import { guildParams } from '../schemas/common.js';
import { membersQuery, type MembersJson } from '../schemas/members.js';
import { sendStored } from '../send-stored.js';
import { guildOverview } from '../services/overview.js';
import { planChoice } from '../services/team-plans.js';

export const membersInput = { params: guildParams, query: membersQuery };

/** A read-only API token needs `csv` for the CSV (format given once, any case) and `overview` for the JSON. */
const csvOrOverview = (ctx: Context): TokenScope => (typeof ctx.query.format === 'string' && ctx.query.format.toLowerCase() === 'csv' ? 'csv' : 'overview');

/** The officer overview of every current member, as JSON or as a CSV of the same rows. Officer+ only. */
export function memberRoutes(deps: ApiDeps): Router {
  const router = new Router();

  router.get(
    '/guilds/:guild_id/progress/members',
    auth(deps.config.jwtSecretKey),
    permission(deps, 'officer', 'Access denied - Officer rank required', csvOrOverview), trackGuild(deps),
    validate(membersInput),
    async (ctx) => {
      const { params, query } = inputOf(ctx, membersInput);
      const access = accessOf(ctx);
      const body = await guildOverview(deps, access, query, await planChoice(deps, access.guildId, query.plan));
      // Its raiders are kept within CHARACTER_CACHE_TTL for FRESHNESS_OVERVIEW_WINDOW, each opening counting as
      // a read of each of them for their demand weight.
      deps.demand.guildOpened(params.guild_id, true);
      if (query.format === 'csv') {
        const { members } = JSON.parse(body.bytes.toString('utf8')) as MembersJson;
        ctx.attachment(`guild-${params.guild_id}-members.csv`);
        ctx.type = 'text/csv; charset=utf-8';
        ctx.body = membersCsv(members);
        return;
      }
      sendStored(ctx, body);
    },
  );

  return router;
}
