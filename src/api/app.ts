import Koa from 'koa';
import type Router from '@koa/router';
import { corsFor } from './middleware/cors.js';
import { errorHandler } from './middleware/error-handler.js';
import { rememberAccess } from './middleware/permission.js';
import { requestContext } from './middleware/request-context.js';
import { security } from './middleware/security.js';
import { healthRoutes } from './routes/health.js';
import type { ApiDeps } from './deps.js';

export type RouteModule = (deps: ApiDeps) => Router | Koa.Middleware;

/**
 * The Koa application: request context and errors first, then CORS and security headers,
 * then health (no auth), then every resource's routes.
 */
export function createApp(deps: ApiDeps, routeModules: RouteModule[] = []): Koa {
  const app = new Koa();
  app.proxy = deps.config.trustProxy;
  app.silent = true;

  app.use(requestContext(deps.logger, deps.metrics));
  app.use(errorHandler());
  app.use(corsFor(deps.config.corsOrigins));
  app.use(security({ forceHttps: deps.config.forceHttps }));
  // Caches what guild-api decided for a request once it is answered; permission() itself only reads.
  app.use(rememberAccess(deps));
  // No body is read here: the routes that take one parse it themselves, after authentication and the rate
  // limiter, so an anonymous or throttled request never gets its body decoded.

  const mount = (module: Router | Koa.Middleware) => {
    if (typeof module === 'function') {
      app.use(module);
    } else {
      app.use(module.routes());
      app.use(module.allowedMethods());
    }
  };
  mount(healthRoutes(deps));
  for (const routeModule of routeModules) mount(routeModule(deps));
  return app;
}
