import type { MikroORM } from '@mikro-orm/postgresql';
import { loadSeasonPlans, planInForce } from '../../db/season-plans.js';
import { DEFAULT_SEASON_PLAN } from '../../domain/season-plan.js';
import { roadmap, weekFor, type CurrentWeek, type RoadmapWeek } from '../../domain/season.js';
import type { RegionCode, SeasonPlan } from '../../domain/types.js';
import type { Clock } from '../../clock.js';
import type { Logger } from '../../logger.js';

/** The plan changes only when an operator seeds a new one; a minute's delay in noticing is fine. */
const PLAN_TTL_MS = 60_000;
/** After a failed read, the next attempt waits this long, so requests do not each wait on a dead database. */
const RETRY_AFTER_FAILURE_MS = 5_000;

export interface SeasonNow {
  expansion: string;
  season: string;
  region: RegionCode;
  week: CurrentWeek;
}

/**
 * The season plan in force today and the week it puts a region in. Plans are read from weekly_targets and kept
 * in memory for a minute; before any plan is seeded (or while the database is unreachable and nothing was read
 * yet) the built-in default plan applies, so the api never answers without a target.
 */
export class SeasonCalendar {
  private plans: SeasonPlan[] | undefined;
  private loadedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly orm: MikroORM,
    private readonly logger: Logger,
    private readonly clock: Clock,
  ) {}

  private today(): string {
    return this.clock.now().toISOString().slice(0, 10);
  }

  async now(region: RegionCode): Promise<SeasonNow> {
    const plan = await this.plan();
    return { expansion: plan.expansion, season: plan.season, region, week: weekFor(plan, this.today(), region) };
  }

  async roadmap(region: RegionCode): Promise<SeasonNow & { weeks: RoadmapWeek[] }> {
    const plan = await this.plan();
    const today = this.today();
    return { expansion: plan.expansion, season: plan.season, region, week: weekFor(plan, today, region), weeks: roadmap(plan, today, region) };
  }

  private async plan(): Promise<SeasonPlan> {
    if (Date.now() - this.loadedAt > PLAN_TTL_MS) {
      try {
        this.plans = await loadSeasonPlans(this.orm.em.fork());
        this.loadedAt = Date.now();
      } catch (err) {
        this.loadedAt = Date.now() - PLAN_TTL_MS + RETRY_AFTER_FAILURE_MS;
        this.logger.warn({ err: (err as Error).message }, 'could not read the season plan; using the last one read');
      }
    }
    return planInForce(this.plans ?? [], this.today()) ?? DEFAULT_SEASON_PLAN;
  }
}
