import type { RouteModule } from '../app.js';
import { knownMethodsOnly } from '../middleware/methods.js';
import { rateLimit } from '../middleware/rate-limit.js';
import { characterRoutes } from './characters.js';
import { comparisonRoutes } from './comparisons.js';
import { dashboardRoutes } from './dashboard.js';
import { memberRoutes } from './members.js';
import { messageRoutes } from './message.js';
import { openApiRoutes } from './openapi.js';
import { roadmapRoutes } from './roadmap.js';
import { teamPlanRoutes } from './team-plans.js';
import { webhookRoutes } from './webhooks.js';

/**
 * Every resource's routes, mounted in this order after /health, /ready and /metrics (which are never limited).
 * The rate limiter comes first so it counts every request below it, webhooks excepted; then unknown methods
 * are refused with 405.
 */
export const ROUTE_MODULES: RouteModule[] = [
  rateLimit,
  knownMethodsOnly,
  webhookRoutes,
  dashboardRoutes,
  openApiRoutes,
  characterRoutes,
  memberRoutes,
  messageRoutes,
  roadmapRoutes,
  teamPlanRoutes,
  comparisonRoutes,
];
