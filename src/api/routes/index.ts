import type { RouteModule } from '../app.js';
import { apiTokens } from '../middleware/api-token.js';
import { knownMethodsOnly } from '../middleware/methods.js';
import { rateLimit } from '../middleware/rate-limit.js';
import { apiTokenRoutes } from './api-tokens.js';
import { characterRoutes } from './characters.js';
import { comparisonRoutes } from './comparisons.js';
import { dashboardRoutes } from './dashboard.js';
import { integrationRoutes } from './integrations.js';
import { memberRoutes } from './members.js';
import { messageRoutes } from './message.js';
import { openApiRoutes } from './openapi.js';
import { roadmapRoutes } from './roadmap.js';
import { teamPlanRoutes } from './team-plans.js';
import { webhookRoutes } from './webhooks.js';

/**
 * Every resource's routes, mounted in this order after /health, /ready and /metrics (which are never limited).
 * (A user's cached character view and overview are answered before Koa, in one Redis round trip that also takes
 * the rate limiter's point, when everything they need is cached: src/api/cached-reads/handler.ts.) Every other
 * request, and those when anything is not, go through the rate limiter, which counts every request below it, webhooks excepted (a read-only API
 * token on its own budget); then a read-only API token is checked (unknown: 401, a write: 403); then unknown methods
 * are refused with 405.
 */
export const ROUTE_MODULES: RouteModule[] = [
  rateLimit,
  apiTokens,
  knownMethodsOnly,
  webhookRoutes,
  dashboardRoutes,
  openApiRoutes,
  characterRoutes,
  memberRoutes,
  messageRoutes,
  roadmapRoutes,
  teamPlanRoutes,
  apiTokenRoutes,
  comparisonRoutes,
  integrationRoutes,
];
