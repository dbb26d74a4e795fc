import { z } from 'zod';
import { TOKEN_SCOPES } from '../../db/tables/api-tokens.js';
import { guildIdSchema, integerString, timestamp } from './common.js';

export const apiTokenParams = z.object({ guild_id: guildIdSchema, token_id: integerString(1, 2_147_483_647).meta({ description: 'The token’s id' }) });

export const apiTokenBody = z
  .object({
    name: z.string().trim().min(1).max(100).meta({ description: 'What the token is for, e.g. "Raid sheet"' }),
    scopes: z
      .array(z.enum(TOKEN_SCOPES))
      .min(1)
      .max(TOKEN_SCOPES.length)
      .refine((s) => new Set(s).size === s.length, 'lists a scope twice')
      .meta({ description: 'overview: the overview as JSON; characters: character views and histories; csv: the overview as CSV' }),
  })
  .meta({ id: 'ApiTokenWrite' });

export const apiTokenSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    scopes: z.array(z.enum(TOKEN_SCOPES)),
    created_by: z.number().int(),
    created_at: timestamp,
    last_used_at: timestamp.nullable().meta({ description: 'Recorded at most once a minute; null when never used' }),
  })
  .meta({ id: 'ApiToken' });

export const createdApiTokenSchema = apiTokenSchema
  .extend({ token: z.string().meta({ description: 'The token, shown this once: only its hash is stored', example: 'pat_…' }) })
  .meta({ id: 'CreatedApiToken' });

export const apiTokensSchema = z.object({ guild_id: z.number().int(), tokens: z.array(apiTokenSchema) }).meta({ id: 'ApiTokens' });

export const revokedApiTokenSchema = apiTokenSchema.extend({ revoked: z.literal(true) }).meta({ id: 'RevokedApiToken' });
