import type { z } from 'zod';

export type Parsed<T> = { ok: true; data: T } | { ok: false; reason: string };

/** Validates upstream JSON; the reason names the first few offending paths, never the values (they may be large or private). */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown): Parsed<z.infer<S>> {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, data: result.data };
  const paths = result.error.issues.slice(0, 3).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  return { ok: false, reason: `unexpected response shape (${paths.join('; ')})` };
}
