import { AUDIT_FILTERS } from '../../domain/audit.js';
import { z } from 'zod';
import { normaliseClassName, parseRole } from '../../domain/roles.js';
import { caseInsensitiveEnum, integerString, lookedUp, timestamp } from './common.js';
import { classSpecRole, statusSchema, weekHeader } from './characters.js';

/** `on_track` stays accepted as another spelling of `ahead` (the label's word, used by earlier clients). */
const statusFilter = caseInsensitiveEnum(['ahead', 'on_track', 'behind', 'unknown'])
  .transform((v): z.infer<typeof statusSchema> => (v === 'on_track' ? 'ahead' : v))
  .meta({ description: 'ahead (alias on_track), behind or unknown' });

export const MEMBER_SORTS = ['ilvl', 'name', 'class', 'gap', 'rank', 'weekly_gain', 'projected_week', 'mplus', 'vault'] as const;
export type MemberSort = (typeof MEMBER_SORTS)[number];

export const membersQuery = z.object({
  sort: caseInsensitiveEnum(MEMBER_SORTS).default('ilvl').meta({ description: 'Any case (ILVL is ilvl)' }),
  order: caseInsensitiveEnum(['asc', 'desc']).optional().meta({
    description: 'Overrides the sort’s natural order (ilvl, weekly_gain, mplus and vault desc, gap and projected_week asc, others asc)',
  }),
  class: lookedUp(normaliseClassName, 'must be a class name such as "Warrior" or "death-knight"').optional(),
  role: lookedUp(parseRole, 'must be Tank, Healer or DPS').optional(),
  status: statusFilter.optional(),
  at_risk: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .meta({ description: 'true: behind now and not projected to catch up within the plan; false: the others' }),
  audit: caseInsensitiveEnum(AUDIT_FILTERS).optional().meta({
    description: 'Members the gear audit flags: missing_enchants (one or more), empty_sockets (one or more) or tier_lt_4 (fewer than 4 tier pieces)',
  }),
  // The whole roster by default: hool.gg's web app never pages, and a guild holds at most a thousand or so.
  min_level: integerString(1, 1000).optional().meta({ description: 'Only characters of at least this level (any whose level is not known yet are left out)' }),
  vault_slots_lt: integerString(1, 7)
    .optional()
    .meta({ description: 'Only members with fewer Great Vault slots this week (any whose activity is not known yet are left out)' }),
  limit: integerString(1, 1000, 1000),
  offset: integerString(0, 1_000_000, 0),
  summary: caseInsensitiveEnum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true')
    .meta({ description: 'false leaves the summary block out' }),
  format: caseInsensitiveEnum(['json', 'csv']).default('json'),
  plan: z
    .string()
    .regex(/^(guild|[1-9]\d{0,15})$/, 'must be a team plan id or guild')
    .optional()
    .meta({
      description:
        'What-if: judge every member against this team plan of the guild (its id), or against the guild’s plan alone (guild), without saving anything. The body carries `preview`; it is never cached.',
    }),
});
export type MembersQuery = z.output<typeof membersQuery>;

export const memberSchema = z.object({
  character_name: z.string(),
  realm: z.string(),
  ...classSpecRole,
  level: z.number().int().nullable().meta({ description: 'The character’s level; null until Battle.net has told it' }),
  rank_id: z.number().int().nullable(),
  rank_name: z.string().nullable(),
  current_ilvl: z.number().nullable(),
  target_ilvl: z.number().meta({ description: "The target this member is judged against this week: its team plan's, else the guild's" }),
  team_plan_id: z.number().int().nullable().meta({ description: 'The team target plan that judges this member; null: the guild’s plan' }),
  team_plan: z.string().nullable().meta({ description: 'That plan’s name' }),
  gap: z.number().nullable(),
  status: statusSchema,
  status_label: z.string(),
  last_updated: timestamp.nullable(),
  weekly_gain: z.number().nullable().meta({ description: 'Item levels gained per week lately; null without a week of history' }),
  projected_week: z.number().int().nullable().meta({ description: 'First week whose target the projection meets; null when none within the plan' }),
  at_risk: z.boolean().meta({ description: 'Behind now and not projected to catch up within the plan' }),
  mplus_score: z.number().nullable().meta({ description: "This season's Mythic+ rating as Battle.net gives it; null when none or not known yet" }),
  vault_slots: z.number().int().nullable().meta({
    description: 'Great Vault slots unlocked this week, raid and dungeons (0–6; the world row is not known); null until activity is fetched',
  }),
  raid_kills_this_week: z.number().int().nullable().meta({ description: 'Distinct raid bosses killed since this week’s reset; null until activity is fetched' }),
  missing_enchants: z.number().int().nullable().meta({ description: 'How many worn items lack an enchant they take; null until fetched' }),
  empty_sockets: z.number().int().nullable().meta({ description: 'How many gem sockets are empty; null until fetched' }),
  tier_pieces: z.number().int().nullable().meta({ description: 'How many tier-set pieces are worn; null until fetched' }),
});

export const summarySchema = z.object({
  total: z.number().int(),
  on_track: z.number().int().meta({ description: 'At the level cap (or of unknown level) and at or above the target' }),
  behind: z.number().int().meta({ description: 'At the level cap (or of unknown level) and below the target' }),
  unknown: z.number().int().meta({ description: 'At the level cap (or of unknown level) with no item level yet' }),
  below_level_cap: z.number().int().meta({
    description: 'Characters below the level cap (alts being levelled): counted here only, so the four counts add up to total',
  }),
  at_risk: z.number().int().meta({ description: 'Behind now and not projected to catch up within the plan (below the level cap excluded)' }),
  average_ilvl: z.number().nullable().meta({ description: 'Mean item level of the characters not below the level cap' }),
  vault: z
    .object({
      known: z.number().int().meta({ description: 'Members whose activity is known' }),
      average_slots: z.number().nullable().meta({ description: 'Mean slots of those members, one decimal' }),
      by_slots: z.array(z.number().int()).length(7).meta({ description: 'Members with 0, 1, … 6 slots this week' }),
    })
    .meta({ description: "The roster's Great Vault this week" }),
});

export const membersSchema = z
  .object({
    ...weekHeader,
    level_cap: z.number().int().nullable().meta({ description: 'The expansion’s highest level (Midnight: 90); null when not known' }),
    summary: summarySchema.optional().meta({ description: 'Whole guild, whatever the filters' }),
    total: z.number().int().meta({ description: 'Members matching the filters, before limit and offset' }),
    preview: z
      .object({ plan: z.union([z.number().int(), z.literal('guild')]) })
      .optional()
      .meta({ description: 'Present on a what-if (`?plan=`): the plan every member was judged against; nothing was saved' }),
    members: z.array(memberSchema),
  })
  .meta({ id: 'GuildOverview' });

export type MemberJson = z.infer<typeof memberSchema>;
export type MembersJson = z.infer<typeof membersSchema>;
export type SummaryJson = z.infer<typeof summarySchema>;
