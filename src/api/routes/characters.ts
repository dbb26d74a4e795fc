import Router from '@koa/router';
import type { ApiDeps } from '../deps.js';
import { auth, userOf } from '../middleware/auth.js';
import { accessOf, permission, trackGuild } from '../middleware/permission.js';
import { inputOf, validate } from '../middleware/validate.js';
import { presentPending } from '../presenters/pending.js';
import { historyCsv } from '../presenters/history.js';
import { characterHistoryQuery, characterParams, characterQuery } from '../schemas/characters.js';
import { guildParams } from '../schemas/common.js';
import { CharacterViews } from '../services/character-view.js';
import { guildRealm } from '../services/guild-context.js';
import { sendStored } from '../send-stored.js';

export const myCharactersInput = { params: guildParams };
export const characterInput = { params: characterParams, query: characterQuery };
export const characterHistoryInput = { params: characterParams, query: characterHistoryQuery };

/** Seconds a client should wait before asking again for a character whose first fetch is still running. */
const PENDING_RETRY_AFTER = '3';

/** The caller's own characters in a guild, and one character's full view. Any member with permission. */
export function characterRoutes(deps: ApiDeps): Router {
  const router = new Router();
  const views = new CharacterViews(deps);
  const secret = deps.config.jwtSecretKey;

  router.get(
    '/guilds/:guild_id/progress/characters',
    auth(secret),
    permission(deps, 'member'), trackGuild(deps),
    validate(myCharactersInput),
    async (ctx) => {
      const body = await views.mine(accessOf(ctx), userOf(ctx).bnetId);
      for (const c of body.characters) deps.demand.characterRead(c.region, c.realm, c.character_name);
      ctx.body = body;
    },
  );

  router.get(
    '/guilds/:guild_id/progress/character/:character_name',
    auth(secret),
    permission(deps, 'member', 'Access denied', () => 'characters'), trackGuild(deps),
    validate(characterInput),
    async (ctx) => {
      const { params, query } = inputOf(ctx, characterInput);
      const access = accessOf(ctx);
      const realm = query.realm ?? (await guildRealm(deps, access));
      const result = await views.detail(access, realm, params.character_name);
      if (result.kind === 'pending') {
        ctx.status = 202;
        ctx.set('Retry-After', PENDING_RETRY_AFTER);
        ctx.body = presentPending();
        return;
      }
      deps.demand.characterRead(access.guild?.region ?? deps.config.blizzard.region, realm, params.character_name);
      sendStored(ctx, result.body);
    },
  );

  router.get(
    '/guilds/:guild_id/progress/character/:character_name/history',
    auth(secret),
    permission(deps, 'member', 'Access denied', () => 'characters'), trackGuild(deps),
    validate(characterHistoryInput),
    async (ctx) => {
      const { params, query } = inputOf(ctx, characterHistoryInput);
      const access = accessOf(ctx);
      const realm = query.realm ?? (await guildRealm(deps, access));
      const body = await views.history(access, realm, params.character_name, query.weeks);
      if (query.format === 'csv') {
        ctx.type = 'text/csv; charset=utf-8';
        ctx.attachment(`${body.character_name}-${body.realm}-history.csv`);
        ctx.body = historyCsv(body, deps.clock.now());
        return;
      }
      ctx.body = body;
    },
  );

  return router;
}
