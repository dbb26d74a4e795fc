import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { KoaAdapter } from '@bull-board/koa';
import { Stream } from 'node:stream';
import type { Context, Middleware } from 'koa';
import { AppError } from '../../errors.js';
import type { ApiDeps } from '../deps.js';
import { basicAuth } from '../middleware/basic-auth.js';

export const DASHBOARD_PATH = '/admin/queues';

/**
 * The only changes an operator may make from the dashboard: retry a failed job or remove it, one at a time or
 * all the failed jobs of a queue. Everything else bull-board could do (pause, empty or obliterate a queue, add or
 * edit jobs) stays out of reach: a slip there loses or corrupts work, and none of it is an operator's routine.
 */
const ALLOWED_CHANGES: ReadonlyArray<{ pattern: RegExp; kind: 'job' | 'queue' }> = [
  { pattern: /^\/api\/queues\/([^/]+)\/([^/]+)\/(retry|clean)$/, kind: 'job' },
  { pattern: /^\/api\/queues\/([^/]+)\/(retry|clean)\/failed$/, kind: 'queue' },
];

/**
 * bull-board over every queue behind our own basic auth (bull-board has none): read-only but for retrying and
 * removing failed jobs. Without configured credentials the dashboard is not mounted at all, in every environment:
 * an open queue dashboard shows job data to anyone who finds it.
 */
export function dashboardRoutes(deps: ApiDeps): Middleware {
  const credentials = deps.config.dashboard;
  if (!credentials) {
    deps.logger.info('queue dashboard off: QUEUE_DASHBOARD_USER and QUEUE_DASHBOARD_PASSWORD are not set');
    return async (_ctx, next) => next();
  }
  const serverAdapter = new KoaAdapter();
  serverAdapter.setBasePath(DASHBOARD_PATH);
  createBullBoard({
    // Writable so that its retry and remove buttons work; onlyFailedJobChanges refuses every other change.
    queues: Object.values(deps.queues).map((queue) => new BullMQAdapter(queue, { readOnlyMode: false, allowRetries: true })),
    serverAdapter,
  });
  const board = serverAdapter.registerPlugin();
  const guard = basicAuth(credentials, 'progress-api queues');
  return async (ctx, next) => {
    if (ctx.path !== DASHBOARD_PATH && !ctx.path.startsWith(`${DASHBOARD_PATH}/`)) return next();
    await guard(ctx, async () => {
      // bull-board decodes bodies itself and answers a body it cannot decode with a 500.
      const encoding = (ctx.get('content-encoding') || '').trim().toLowerCase();
      if (encoding && encoding !== 'identity') throw new AppError(415, 'unsupported_content_encoding', 'Content-Encoding not supported');
      await onlyFailedJobChanges(deps, ctx);
      await board(ctx, next);
      withoutStackTraces(ctx);
    });
  };
}

/**
 * Lets reads through, and of the changes only a retry or removal of failed jobs (403 for any other change, 409 for
 * a job that is not failed, 404 for one that does not exist).
 */
async function onlyFailedJobChanges(deps: ApiDeps, ctx: Context): Promise<void> {
  if (ctx.method === 'GET' || ctx.method === 'HEAD') return;
  const path = ctx.path.slice(DASHBOARD_PATH.length);
  const allowed = ctx.method === 'PUT' ? ALLOWED_CHANGES.map((c) => ({ ...c, match: c.pattern.exec(path) })).find((c) => c.match) : undefined;
  if (!allowed?.match) {
    throw new AppError(403, 'dashboard_read_only', 'The dashboard only retries and removes failed jobs');
  }
  if (allowed.kind === 'queue') return;
  const [, queueName, jobId] = allowed.match.map(decoded);
  const queue = Object.values(deps.queues).find((q) => q.name === queueName);
  const job = queue && jobId ? await queue.getJob(jobId) : undefined;
  if (!job) throw new AppError(404, 'job_not_found', 'No such job');
  if ((await job.getState()) !== 'failed') throw new AppError(409, 'job_not_failed', 'Only a failed job can be retried or removed');
}

/** A path segment as its text; a malformed escape names no job, so it reads as none rather than failing. */
function decoded(part: string | undefined): string | undefined {
  try {
    return part === undefined ? undefined : decodeURIComponent(part);
  } catch {
    return undefined;
  }
}

/**
 * bull-board shows each failed job's stack trace, and some of its errors carry one: absolute paths and code
 * layout that operators do not need. The failure's reason is kept; the traces are dropped.
 */
function withoutStackTraces(ctx: Context): void {
  if (ctx.status >= 500) {
    ctx.body = { error: 'Internal server error', code: 'internal_error' };
    return;
  }
  if (ctx.body && typeof ctx.body === 'object' && !Buffer.isBuffer(ctx.body) && !(ctx.body instanceof Stream)) {
    ctx.body = scrub(ctx.body);
  }
}

function scrub(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrub);
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key === 'stacktrace') out[key] = [];
    else if (key === 'stack' || key === 'details') continue;
    else out[key] = scrub(inner);
  }
  return out;
}
