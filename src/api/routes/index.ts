import type { RouteModule } from '../app.js';

/** Every resource's routes, mounted in this order after /health. */
export const ROUTE_MODULES: RouteModule[] = [];
