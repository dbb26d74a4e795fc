import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261129000000_initial_schema } from '../../migrations/Migration20261129000000_initial_schema.js';
import { Migration20261201000000_overview_columns_and_indexes } from '../../migrations/Migration20261201000000_overview_columns_and_indexes.js';
import { Migration20261201300000_membership_authority } from '../../migrations/Migration20261201300000_membership_authority.js';
import { Migration20261201400000_webhook_inbox } from '../../migrations/Migration20261201400000_webhook_inbox.js';
import { Migration20261201500000_guild_plans } from '../../migrations/Migration20261201500000_guild_plans.js';
import { Migration20261201500001_comparison_realm } from '../../migrations/Migration20261201500001_comparison_realm.js';
import { Migration20261202100000_character_activity } from '../../migrations/Migration20261202100000_character_activity.js';
import { Migration20261202200000_membership_level } from '../../migrations/Migration20261202200000_membership_level.js';
import { Migration20261202300000_weekly_gain } from '../../migrations/Migration20261202300000_weekly_gain.js';
import { Migration20261202400000_membership_audit } from '../../migrations/Migration20261202400000_membership_audit.js';
import { Migration20261202500000_character_renames } from '../../migrations/Migration20261202500000_character_renames.js';
import { Migration20261203100000_team_plans } from '../../migrations/Migration20261203100000_team_plans.js';
import { Migration20261203100001_api_tokens } from '../../migrations/Migration20261203100001_api_tokens.js';
import { Migration20261203200000_outbound_integrations } from '../../migrations/Migration20261203200000_outbound_integrations.js';
import { Migration20261203300000_fetched_at_index } from '../../migrations/Migration20261203300000_fetched_at_index.js';

/** Migrations are listed, not discovered, so tsx and the compiled build load exactly the same set. */
export const MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20261129000000_initial_schema', class: Migration20261129000000_initial_schema },
  { name: 'Migration20261201000000_overview_columns_and_indexes', class: Migration20261201000000_overview_columns_and_indexes },
  { name: 'Migration20261201300000_membership_authority', class: Migration20261201300000_membership_authority },
  { name: 'Migration20261201400000_webhook_inbox', class: Migration20261201400000_webhook_inbox },
  { name: 'Migration20261201500000_guild_plans', class: Migration20261201500000_guild_plans },
  { name: 'Migration20261201500001_comparison_realm', class: Migration20261201500001_comparison_realm },
  { name: 'Migration20261202100000_character_activity', class: Migration20261202100000_character_activity },
  { name: 'Migration20261202200000_membership_level', class: Migration20261202200000_membership_level },
  { name: 'Migration20261202300000_weekly_gain', class: Migration20261202300000_weekly_gain },
  { name: 'Migration20261202400000_membership_audit', class: Migration20261202400000_membership_audit },
  { name: 'Migration20261202500000_character_renames', class: Migration20261202500000_character_renames },
  { name: 'Migration20261203100000_team_plans', class: Migration20261203100000_team_plans },
  { name: 'Migration20261203100001_api_tokens', class: Migration20261203100001_api_tokens },
  { name: 'Migration20261203200000_outbound_integrations', class: Migration20261203200000_outbound_integrations },
  { name: 'Migration20261203300000_fetched_at_index', class: Migration20261203300000_fetched_at_index },
];
