import { z } from 'zod';

/**
 * A whole number in a path or query string, digits only (no signs, exponents or blanks that Number() would accept).
 * Documented as the integer it stands for, with its bounds (and default), which is what a client sends.
 */
export const integerString = (min: number, max: number, fallback?: number) => {
  const schema = z
    .string()
    .regex(/^\d{1,10}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
  const documented: Record<string, unknown> = { type: 'integer', minimum: min, maximum: max };
  return fallback === undefined
    ? schema.meta(documented)
    : schema.default(fallback).meta({ ...documented, default: fallback });
};

/**
 * One of a fixed set of words in a query string, in any case (`sort=ILVL` is `sort=ilvl`), as the class and role
 * filters already are. The document lists the canonical, lower-case spellings.
 */
export const caseInsensitiveEnum = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess((value) => (typeof value === 'string' ? value.toLowerCase() : value), z.enum(values));

/** guild-api's guild ids: positive integers that fit the database's integer column. */
export const guildIdSchema = z
  .string()
  .regex(/^[1-9]\d{0,9}$/, 'must be a positive integer')
  .transform(Number)
  .pipe(z.number().int().max(2_147_483_647, 'is too large'))
  .meta({ description: "guild-api's id of the guild", example: 42, type: 'integer', minimum: 1, maximum: 2_147_483_647 } as Record<string, unknown>);

export const guildParams = z.object({ guild_id: guildIdSchema });

/**
 * A query value read through a lookup: the lookup's answer, or a 400 naming the parameter when it has none.
 * Used where users may spell a value several ways ("death-knight", "Death Knight").
 */
export function lookedUp<T>(lookup: (value: string) => T | null, message: string) {
  return z
    .string()
    .max(100)
    .transform((value, ctx) => {
      const found = lookup(value);
      if (found === null) {
        ctx.issues.push({ code: 'custom', message, input: value });
        return z.NEVER;
      }
      return found;
    });
}

export const errorSchema = z
  .object({
    error: z.string().meta({ description: 'Human-readable message, shown by the frontend' }),
    code: z.string().meta({ description: 'Stable snake_case code for programs' }),
    details: z
      .array(z.object({ field: z.string(), in: z.enum(['path', 'query', 'body']), message: z.string() }))
      .optional(),
  })
  .meta({ id: 'Error' });

export const timestamp = z.string().meta({ format: 'date-time', example: '2026-11-25T10:00:00.000Z' });

/** Freshness fields every projection-backed body carries. */
export const freshness = {
  fetched_at: timestamp.nullable(),
  stale: z.boolean(),
  notice: z.string().optional().meta({ description: 'Present when the data could not be refreshed' }),
};
