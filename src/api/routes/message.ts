import Router from '@koa/router';
import type { Context } from 'koa';
import { appendMessage, findCurrentMessage, findMessageHistory } from '../../db/tables/guild-messages.js';
import type { ApiDeps } from '../deps.js';
import { auth, userOf } from '../middleware/auth.js';
import { jsonBody, requireJson } from '../middleware/body.js';
import { accessOf, permission, trackGuild } from '../middleware/permission.js';
import { inputOf, validate } from '../middleware/validate.js';
import { presentHistory, presentMessage } from '../presenters/message.js';
import { guildParams } from '../schemas/common.js';
import { historyQuery, messageBody } from '../schemas/message.js';
import { fromDatabase } from '../services/read-model.js';
import { emitEvent } from '../../outbound/events.js';

export const messageReadInput = { params: guildParams };
export const messageWriteInput = { params: guildParams, body: messageBody };
export const messageClearInput = { params: guildParams };
export const historyInput = { params: guildParams, query: historyQuery };

/**
 * The GM's weekly message: any member reads it, only the Guild Master writes it, officers see every version.
 * The one write the api owns; every write is a new row, so nothing is ever overwritten.
 */
export function messageRoutes(deps: ApiDeps): Router {
  const router = new Router();
  const secret = deps.config.jwtSecretKey;

  router.get('/guilds/:guild_id/progress/message', auth(secret), permission(deps, 'member'), trackGuild(deps), validate(messageReadInput), async (ctx) => {
    const { guildId } = accessOf(ctx);
    ctx.body = presentMessage(guildId, await fromDatabase(deps.logger, () => findCurrentMessage(deps.orm, guildId)));
  });

  const guildMasterOnly = [auth(secret), permission(deps, 'gm', 'Access denied - Guild Master only'), trackGuild(deps)];
  /** Every write appends a version, so the history shows who set or cleared the message and when. */
  const save = async (ctx: Context, message: string) => {
    const { guildId } = accessOf(ctx);
    const saved = await fromDatabase(deps.logger, () => appendMessage(deps.orm, guildId, message, userOf(ctx).bnetId));
    const shown = presentMessage(guildId, saved);
    ctx.body = shown;
    const data = { gm_message: shown.gm_message, updated_by: shown.created_by, updated_at: shown.updated_at };
    await emitEvent({ db: deps.orm, queues: deps.queues, logger: deps.logger }, { type: 'message.updated', guildId, occurredAt: new Date(saved.createdAt), data }, deps.clock.now());
  };

  router.put('/guilds/:guild_id/progress/message', ...guildMasterOnly, requireJson(), jsonBody(), validate(messageWriteInput), (ctx) =>
    save(ctx, inputOf(ctx, messageWriteInput).body.message),
  );
  // Clearing is a write like any other: an empty version.
  router.delete('/guilds/:guild_id/progress/message', ...guildMasterOnly, validate(messageClearInput), (ctx) => save(ctx, ''));

  router.get(
    '/guilds/:guild_id/progress/message/history',
    auth(secret),
    permission(deps, 'officer', 'Access denied - Officer rank required'), trackGuild(deps),
    validate(historyInput),
    async (ctx) => {
      const { query } = inputOf(ctx, historyInput);
      const { guildId } = accessOf(ctx);
      const { total, messages } = await fromDatabase(deps.logger, () => findMessageHistory(deps.orm, guildId, query.limit, query.offset));
      ctx.body = presentHistory(guildId, total, messages);
    },
  );

  return router;
}
