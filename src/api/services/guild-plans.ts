import type { MikroORM } from '@mikro-orm/postgresql';
import { findGuildPlan } from '../../db/tables/guild-plans.js';
import { guildSeasonPlan } from '../../domain/guild-plan.js';
import type { SeasonPlan } from '../../domain/types.js';
import type { Logger } from '../../logger.js';
import type { GuildPlans } from '../../season/calendar.js';
import { fromDatabase } from './read-model.js';

/**
 * Guilds' own plans, as the season calendar asks for them: the newest version the Guild Master saved, dated on
 * the season plan's calendar. A guild without one follows the season plan. Read on every question (one indexed
 * row), so a saved plan applies to the very next request.
 */
export class StoredGuildPlans implements GuildPlans {
  constructor(
    private readonly orm: MikroORM,
    private readonly logger: Logger,
    /** The season plan in force, whose dates the guild's weeks take. */
    private readonly seasonPlan: () => Promise<SeasonPlan>,
  ) {}

  async planOf(guildId: number): Promise<SeasonPlan | undefined> {
    const own = await fromDatabase(this.logger, () => findGuildPlan(this.orm, guildId));
    if (!own || own.weeks.length === 0) return undefined;
    return guildSeasonPlan(own, guildId, await this.seasonPlan());
  }
}
