import { z } from 'zod';
import { integerString, timestamp } from './common.js';

export const MESSAGE_MAX_LENGTH = 2000;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The text is measured after trimming in code points (so an emoji is one character), but stored and returned
 * exactly as sent. Empty (or blanks only) clears the message: hool.gg's settings page saves "" to remove it.
 */
const messageText = z.string().superRefine((value, ctx) => {
  const length = [...value.trim()].length;
  // PostgreSQL text cannot hold U+0000; refused here rather than failing the insert.
  if (value.includes('\u0000')) {
    ctx.addIssue({ code: 'custom', input: value, message: 'must not contain NUL characters' });
  } else if (LONE_SURROGATE.test(value)) {
    // Half of a UTF-16 pair encodes no character: storing it would silently turn it into U+FFFD, so the text
    // read back would not be the text sent.
    ctx.addIssue({ code: 'custom', input: value, message: 'must be valid Unicode (no unpaired surrogate)' });
  } else if (length > MESSAGE_MAX_LENGTH) {
    ctx.addIssue({
      code: 'too_big', origin: 'string', maximum: MESSAGE_MAX_LENGTH, inclusive: true, input: value,
      message: `must be at most ${MESSAGE_MAX_LENGTH} characters`,
    });
  }
});

export const messageBody = z
  .object({ message: messageText.meta({ description: 'Up to 2000 characters after trimming; plain text; empty clears the message', example: 'Focus on DPS!' }) })
  .meta({ id: 'MessageWrite' });

export const messageSchema = z
  .object({
    guild_id: z.number().int(),
    gm_message: z.string().nullable().meta({ description: 'null when none was set or the last write cleared it' }),
    created_by: z.number().int().nullable(),
    updated_at: timestamp.nullable(),
  })
  .meta({ id: 'GuildMessage' });

export const historyQuery = z.object({
  limit: integerString(1, 200, 50),
  offset: integerString(0, 1_000_000, 0),
});

export const historySchema = z
  .object({
    guild_id: z.number().int(),
    total: z.number().int(),
    history: z.array(z.object({ gm_message: z.string(), created_by: z.number().int(), updated_at: timestamp })),
  })
  .meta({ id: 'GuildMessageHistory' });

export type MessageJson = z.infer<typeof messageSchema>;
export type HistoryJson = z.infer<typeof historySchema>;
