import type { Context, Middleware } from 'koa';
import type { z } from 'zod';
import { invalidInput, unprocessable } from '../../errors.js';
import { describeProblems, plainIssues, problemsOf, type FieldProblem } from '../schemas/issues.js';

export type { FieldProblem };

/** The zod schemas of one route's input; the same objects feed the OpenAPI document. */
export interface RouteInput {
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
}

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;
export interface ValidInput<R extends RouteInput> {
  params: Parsed<R['params']>;
  query: Parsed<R['query']>;
  body: Parsed<R['body']>;
}

/** Body values that are present and well-typed but out of bounds (too long, empty) are 422, not 400. */
const OUT_OF_BOUNDS = new Set(['too_small', 'too_big']);

/**
 * Parses params, query and body with the route's schemas and keeps the typed result for the handler.
 * Wrong or missing input is 400 naming each field in `details`; a body that is well-formed but breaks a bound
 * (an empty or over-long message) is 422.
 */
export function validate<R extends RouteInput>(input: R): Middleware {
  return async (ctx, next) => {
    const parsed: Record<string, unknown> = {};
    const sources = [
      ['params', 'path', ctx.params ?? {}],
      ['query', 'query', ctx.query],
      ['body', 'body', ctx.request.body],
    ] as const;
    for (const [part, where, value] of sources) {
      const schema = input[part];
      if (!schema) continue;
      const result = schema.safeParse(value, { error: plainIssues });
      if (result.success) {
        parsed[part] = result.data;
        continue;
      }
      const problems = problemsOf(result.error, where);
      const outOfBounds = part === 'body' && result.error.issues.every((issue) => OUT_OF_BOUNDS.has(issue.code));
      if (outOfBounds) throw unprocessable(`Invalid value: ${describeProblems(problems)}`, problems);
      throw invalidInput(`Invalid ${where === 'body' ? 'body field' : 'parameter'}: ${describeProblems(problems)}`, problems);
    }
    ctx.state.input = parsed;
    await next();
  };
}

/** The validated input of the current request, typed by the same schemas validate() used. */
export function inputOf<R extends RouteInput>(ctx: Context, _input: R): ValidInput<R> {
  return ctx.state.input as ValidInput<R>;
}
