import { characterActivityTable } from './character-activity.js';
import { characterProgressTable } from './character-progress.js';
import { characterRenamesTable } from './character-renames.js';
import { charactersTable } from './characters.js';
import { guildApiRostersTable } from './guild-api-rosters.js';
import { guildComparisonsTable } from './guild-comparisons.js';
import { guildMembershipsTable } from './guild-memberships.js';
import { guildMessagesTable } from './guild-messages.js';
import { guildPlansTable } from './guild-plans.js';
import { eventDeliveriesTable } from './event-deliveries.js';
import { eventEndpointsTable } from './event-endpoints.js';
import { guildDiscordWebhooksTable } from './guild-discord-webhooks.js';
import { guildsTable } from './guilds.js';
import { itemLevelHistoryTable } from './item-level-history.js';
import { processedWebhookEventsTable } from './processed-webhook-events.js';
import { resetDigestsTable } from './reset-digests.js';
import { weeklyTargetsTable } from './weekly-targets.js';
import { teamPlansTable } from './team-plans.js';
import { apiTokensTable } from './api-tokens.js';

/** Every table the migrations create, as its module declares it (the schema test compares the two). */
export const ALL_TABLES = [
  guildsTable, charactersTable, characterProgressTable, guildMembershipsTable, itemLevelHistoryTable,
  weeklyTargetsTable, guildMessagesTable, guildComparisonsTable, processedWebhookEventsTable, guildApiRostersTable,
  guildPlansTable, characterActivityTable, characterRenamesTable, teamPlansTable, apiTokensTable,
  eventEndpointsTable, eventDeliveriesTable, guildDiscordWebhooksTable, resetDigestsTable,
] as const;
