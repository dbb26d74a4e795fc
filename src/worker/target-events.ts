import { guildsSubscribedTo } from '../db/tables/event-endpoints.js';
import type { CharacterKey } from '../db/tables/characters.js';
import type { RegionCode } from '../domain/regions.js';
import { progressFor } from '../domain/progress.js';
import { emitEvent } from '../outbound/events.js';
import { memberRankOf } from '../db/tables/guild-memberships-digest.js';
import { targetsAt } from '../outbound/reset-digest.js';
import type { WorkerContext } from './context.js';

/**
 * `character.target_met` for each guild of a refreshed character whose item level has just crossed its target
 * for the week in that guild (its team plan's, else the guild's) (behind before the refresh, on track after it, by the status rule). Once per character,
 * guild and week: the event's key is the week. Costs one indexed query when the item level rose, none otherwise.
 */
export async function emitTargetMet(
  ctx: WorkerContext,
  key: CharacterKey,
  name: string,
  change: { before: number | null; after: number | null },
  guildIds: readonly number[],
  at: Date,
): Promise<void> {
  const { before, after } = change;
  if (before === null || after === null || after <= before || guildIds.length === 0) return;
  try {
    for (const guildId of await guildsSubscribedTo(ctx.orm, guildIds, 'character.target_met')) {
      const targets = await targetsAt(ctx, { id: guildId, name: '', region: key.region as RegionCode }, at);
      const rankId = await memberRankOf(ctx.orm, guildId, key);
      const target = targets.targetOf({ rankId, characterName: name, realm: key.realm });
      const week = { week: target.week, targetIlvl: target.targetIlvl, startsAt: targets.season.week.startsAt };
      if (progressFor(before, week.targetIlvl).status !== 'behind' || progressFor(after, week.targetIlvl).status !== 'ahead') continue;
      const data = { character_name: name, realm: key.realm, item_level: after, previous_item_level: before, target_ilvl: week.targetIlvl, week: week.week };
      await emitEvent(
        { db: ctx.orm, queues: ctx.queues, logger: ctx.logger },
        { type: 'character.target_met', guildId, occurredAt: at, data, key: `${key.region}/${key.realm}/${key.nameKey}@${week.startsAt.toISOString()}` },
        at,
      );
    }
  } catch (err) {
    ctx.logger.warn({ character: `${key.region}/${key.realm}/${key.nameKey}`, reason: (err as Error).message }, 'could not record target events');
  }
}
