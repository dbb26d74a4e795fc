import { randomBytes } from 'node:crypto';
import Router from '@koa/router';
import type { Context } from 'koa';
import { recentDeliveries } from '../../db/tables/event-deliveries.js';
import {
  countEndpoints, deleteEndpoint, enableEndpoint, findEndpoint, insertEndpoint, listEndpoints,
} from '../../db/tables/event-endpoints.js';
import { deleteDiscordWebhook, findDiscordWebhook, saveDiscordWebhook } from '../../db/tables/guild-discord-webhooks.js';
import { MS_PER_WEEK, nextResetAfter } from '../../domain/resets.js';
import { AppError, notFound, unprocessable } from '../../errors.js';
import { checkOutboundDestination, describeOutcome, isSuccess, OutboundRefused, type OutboundPolicy } from '../../outbound/client.js';
import { discordWebhookHint } from '../../outbound/discord.js';
import { buildGuildDigest, postDigest } from '../../outbound/reset-digest.js';
import { seal } from '../../outbound/sealed.js';
import type { ApiDeps } from '../deps.js';
import { auth, userOf } from '../middleware/auth.js';
import { jsonBody, requireJson } from '../middleware/body.js';
import { accessOf, permission, trackGuild } from '../middleware/permission.js';
import { inputOf, validate } from '../middleware/validate.js';
import { presentDeliveries, presentDiscord, presentEndpoint } from '../presenters/integrations.js';
import { guildParams } from '../schemas/common.js';
import { deliveriesQuery, discordBody, endpointCreateBody, endpointParams, MAX_ENDPOINTS_PER_GUILD } from '../schemas/integrations.js';
import { guildIdentity } from '../services/guild-context.js';
import { fromDatabase } from '../services/read-model.js';

export const endpointListInput = { params: guildParams };
export const endpointCreateInput = { params: guildParams, body: endpointCreateBody };
export const endpointInput = { params: endpointParams };
export const deliveriesInput = { params: endpointParams, query: deliveriesQuery };
export const discordReadInput = { params: guildParams };
export const discordWriteInput = { params: guildParams, body: discordBody };

const ENDPOINTS = '/guilds/:guild_id/progress/integrations/events/endpoints';
const DISCORD = '/guilds/:guild_id/progress/integrations/discord';

/** A URL the outbound safety module refuses is the officer's input to fix: 422 naming the field. */
async function checkedUrl(policy: OutboundPolicy, url: string): Promise<URL> {
  try {
    return await checkOutboundDestination(url, policy);
  } catch (err) {
    if (err instanceof OutboundRefused) throw unprocessable(`Invalid value: url ${err.message}`, [{ field: 'url', in: 'body', message: err.message }]);
    throw err;
  }
}

/**
 * What a guild's officers set up to be told things outside progress-api: event endpoints with their deliveries,
 * and the Discord webhook of the reset digest. Officers and the Guild Master only; secrets are shown once.
 */
export function integrationRoutes(deps: ApiDeps): Router {
  const router = new Router();
  const officers = [
    auth(deps.config.jwtSecretKey),
    permission(deps, 'officer', 'Access denied - Officer rank required'),
    trackGuild(deps),
  ];
  const policy: OutboundPolicy = { allowLoopbackForTests: deps.config.outboundAllowLoopbackForTests };
  const endpointOf = async (ctx: Context) => {
    const { params } = inputOf(ctx, endpointInput);
    const endpoint = await fromDatabase(deps.logger, () => findEndpoint(deps.orm, accessOf(ctx).guildId, params.endpoint_id));
    if (!endpoint) throw notFound('No such event endpoint in this guild', 'endpoint_not_found');
    return endpoint;
  };

  router.get(ENDPOINTS, ...officers, validate(endpointListInput), async (ctx) => {
    const { guildId } = accessOf(ctx);
    const endpoints = await fromDatabase(deps.logger, () => listEndpoints(deps.orm, guildId));
    ctx.body = { guild_id: guildId, endpoints: endpoints.map(presentEndpoint) };
  });

  router.post(ENDPOINTS, ...officers, requireJson(), jsonBody(), validate(endpointCreateInput), async (ctx) => {
    const { body } = inputOf(ctx, endpointCreateInput);
    const { guildId } = accessOf(ctx);
    const url = await checkedUrl(policy, body.url);
    if ((await fromDatabase(deps.logger, () => countEndpoints(deps.orm, guildId))) >= MAX_ENDPOINTS_PER_GUILD) {
      throw new AppError(409, 'too_many_endpoints', `A guild has at most ${MAX_ENDPOINTS_PER_GUILD} event endpoints; delete one first`);
    }
    const secret = `whsec_${randomBytes(32).toString('base64url')}`;
    const endpoint = await fromDatabase(deps.logger, () => insertEndpoint(deps.orm, {
      guildId, url: url.href, eventTypes: body.event_types, description: body.description ?? null,
      secretSealed: seal(deps.config.secretKey, secret), createdBy: userOf(ctx).bnetId, createdAt: deps.clock.now(),
    }));
    ctx.status = 201;
    ctx.body = { ...presentEndpoint(endpoint), secret };
  });

  // Idempotent, like the Discord setting's DELETE: an endpoint already gone is gone.
  router.delete(`${ENDPOINTS}/:endpoint_id`, ...officers, validate(endpointInput), async (ctx) => {
    const { params } = inputOf(ctx, endpointInput);
    await fromDatabase(deps.logger, () => deleteEndpoint(deps.orm, accessOf(ctx).guildId, params.endpoint_id));
    ctx.status = 204;
  });

  router.post(`${ENDPOINTS}/:endpoint_id/enable`, ...officers, validate(endpointInput), async (ctx) => {
    const endpoint = await endpointOf(ctx);
    const enabled = await fromDatabase(deps.logger, () => enableEndpoint(deps.orm, endpoint.guildId, endpoint.id));
    ctx.body = presentEndpoint(enabled ?? endpoint);
  });

  router.get(`${ENDPOINTS}/:endpoint_id/deliveries`, ...officers, validate(deliveriesInput), async (ctx) => {
    const endpoint = await endpointOf(ctx);
    const { query } = inputOf(ctx, deliveriesInput);
    ctx.body = presentDeliveries(endpoint.id, await fromDatabase(deps.logger, () => recentDeliveries(deps.orm, endpoint.id, query.limit)));
  });

  router.get(DISCORD, ...officers, validate(discordReadInput), async (ctx) => {
    const { guildId } = accessOf(ctx);
    ctx.body = presentDiscord(guildId, await fromDatabase(deps.logger, () => findDiscordWebhook(deps.orm, guildId)));
  });

  router.put(DISCORD, ...officers, requireJson(), jsonBody(), validate(discordWriteInput), async (ctx) => {
    const { body } = inputOf(ctx, discordWriteInput);
    const { guildId } = accessOf(ctx);
    const url = await checkedUrl(policy, body.url);
    const hint = discordWebhookHint(url, policy.allowLoopbackForTests);
    if (!hint) {
      const message = 'must be a Discord webhook URL (https://discord.com/api/webhooks/<id>/<token>)';
      throw unprocessable(`Invalid value: url ${message}`, [{ field: 'url', in: 'body', message }]);
    }
    const saved = await fromDatabase(deps.logger, () => saveDiscordWebhook(deps.orm, {
      guildId, urlSealed: seal(deps.config.secretKey, url.href), urlHint: hint, updatedBy: userOf(ctx).bnetId, at: deps.clock.now(),
    }));
    ctx.body = presentDiscord(guildId, saved);
  });

  router.delete(DISCORD, ...officers, validate(discordReadInput), async (ctx) => {
    await fromDatabase(deps.logger, () => deleteDiscordWebhook(deps.orm, accessOf(ctx).guildId));
    ctx.status = 204;
  });

  /** A sample digest of the week in force, posted now; the answer says whether Discord took it. */
  router.post(`${DISCORD}/test`, ...officers, validate(discordReadInput), async (ctx) => {
    const access = accessOf(ctx);
    const webhook = await fromDatabase(deps.logger, () => findDiscordWebhook(deps.orm, access.guildId));
    if (!webhook) throw notFound('No Discord webhook is set for this guild', 'discord_not_configured');
    const identity = await guildIdentity(deps, access);
    const guild = { id: access.guildId, name: identity?.name ?? `Guild ${access.guildId}`, region: identity?.region ?? deps.config.blizzard.region };
    const lastReset = nextResetAfter(new Date(deps.clock.now().getTime() - MS_PER_WEEK), guild.region, deps.config.weeklyResets);
    const digest = await fromDatabase(deps.logger, () => buildGuildDigest(deps, guild, lastReset));
    const result = await postDigest(deps, policy, webhook.urlSealed, digest, guild.name, { isSample: true });
    ctx.body = isSuccess(result)
      ? { delivered: true, status: result.kind === 'response' ? result.status : null, error: null }
      : { delivered: false, status: result.kind === 'response' ? result.status : null, error: describeOutcome(result) };
  });

  return router;
}
