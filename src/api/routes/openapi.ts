import Router from '@koa/router';
import { buildOpenApiDocument } from '../openapi.js';

/** The API description, public like the routes' shapes are; generated once per process. */
export function openApiRoutes(): Router {
  const router = new Router();
  let document: object | undefined;
  router.get('/openapi.json', (ctx) => {
    document ??= buildOpenApiDocument();
    ctx.body = document;
  });
  return router;
}
