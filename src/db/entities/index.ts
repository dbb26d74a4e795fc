export { Guild } from './guild.js';
export { Character } from './character.js';
export { CharacterProgress, type FetchStatus } from './character-progress.js';
export { GuildMembership } from './guild-membership.js';
export { ItemLevelHistory } from './item-level-history.js';
export { WeeklyTarget } from './weekly-target.js';
export { GuildMessage } from './guild-message.js';
export { GuildComparison } from './guild-comparison.js';
export { ProcessedWebhookEvent } from './processed-webhook-event.js';
export { GuildApiRoster } from './guild-api-roster.js';

import { Guild } from './guild.js';
import { Character } from './character.js';
import { CharacterProgress } from './character-progress.js';
import { GuildMembership } from './guild-membership.js';
import { ItemLevelHistory } from './item-level-history.js';
import { WeeklyTarget } from './weekly-target.js';
import { GuildMessage } from './guild-message.js';
import { GuildComparison } from './guild-comparison.js';
import { ProcessedWebhookEvent } from './processed-webhook-event.js';
import { GuildApiRoster } from './guild-api-roster.js';

export const ALL_ENTITIES = [
  Guild, Character, CharacterProgress, GuildMembership, ItemLevelHistory,
  WeeklyTarget, GuildMessage, GuildComparison, ProcessedWebhookEvent, GuildApiRoster,
];
