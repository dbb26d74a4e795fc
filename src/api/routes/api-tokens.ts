import Router from '@koa/router';
import { countApiTokens, insertApiToken, listApiTokens, revokeApiToken, type ApiTokenRecord } from '../../db/tables/api-tokens.js';
import { AppError, notFound } from '../../errors.js';
import type { ApiDeps } from '../deps.js';
import { auth, userOf } from '../middleware/auth.js';
import { jsonBody, requireJson } from '../middleware/body.js';
import { accessOf, permission, trackGuild } from '../middleware/permission.js';
import { inputOf, validate } from '../middleware/validate.js';
import { apiTokenBody, apiTokenParams } from '../schemas/api-tokens.js';
import { guildParams } from '../schemas/common.js';
import { newApiToken } from '../services/api-tokens.js';
import { fromDatabase } from '../services/read-model.js';

export const apiTokensInput = { params: guildParams };
export const apiTokenCreateInput = { params: guildParams, body: apiTokenBody };
export const apiTokenInput = { params: apiTokenParams };

/** A guild's live tokens are few: a sheet or two, a bot. */
export const MAX_API_TOKENS = 25;

const present = (t: ApiTokenRecord) => ({
  id: t.id, name: t.name, scopes: t.scopes, created_by: t.createdBy, created_at: t.createdAt, last_used_at: t.lastUsedAt,
});

/**
 * Read-only API tokens of a guild, managed by its Guild Master and officers (a token is never accepted here:
 * it has no scope for these routes, and cannot write). The token is shown once, when created.
 */
export function apiTokenRoutes(deps: ApiDeps): Router {
  const router = new Router();
  const officers = [auth(deps.config.jwtSecretKey), permission(deps, 'officer', 'Access denied - Officer rank required'), trackGuild(deps)];

  router.get('/guilds/:guild_id/progress/tokens', ...officers, validate(apiTokensInput), async (ctx) => {
    const { guildId } = accessOf(ctx);
    const tokens = await fromDatabase(deps.logger, () => listApiTokens(deps.orm, guildId));
    ctx.body = { guild_id: guildId, tokens: tokens.map(present) };
  });

  router.post('/guilds/:guild_id/progress/tokens', ...officers, requireJson(), jsonBody(), validate(apiTokenCreateInput), async (ctx) => {
    const { body } = inputOf(ctx, apiTokenCreateInput);
    const { guildId } = accessOf(ctx);
    if ((await fromDatabase(deps.logger, () => countApiTokens(deps.orm, guildId))) >= MAX_API_TOKENS) {
      throw new AppError(409, 'too_many_tokens', `A guild has at most ${MAX_API_TOKENS} tokens: revoke one first`);
    }
    const { token, hash } = newApiToken();
    const saved = await fromDatabase(deps.logger, () =>
      insertApiToken(deps.orm, { guildId, name: body.name, scopes: body.scopes, tokenHash: hash, createdBy: userOf(ctx).bnetId }),
    );
    ctx.status = 201;
    ctx.body = { ...present(saved), token };
  });

  // Revoked at once: every request reads its token from the database, nothing keeps it alive.
  router.delete('/guilds/:guild_id/progress/tokens/:token_id', ...officers, validate(apiTokenInput), async (ctx) => {
    const { params } = inputOf(ctx, apiTokenInput);
    const { guildId } = accessOf(ctx);
    const tokens = await fromDatabase(deps.logger, () => listApiTokens(deps.orm, guildId));
    const token = tokens.find((t) => t.id === params.token_id);
    if (!token || !(await fromDatabase(deps.logger, () => revokeApiToken(deps.orm, guildId, params.token_id)))) {
      throw notFound('Token not found', 'token_not_found');
    }
    ctx.body = { ...present(token), revoked: true };
  });

  return router;
}
