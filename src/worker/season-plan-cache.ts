import type { EntityManager } from '@mikro-orm/postgresql';
import { loadSeasonPlans, planInForce } from '../db/season-plans.js';
import { DEFAULT_SEASON_PLAN } from '../domain/season-plan.js';
import { weekFor, type CurrentWeek } from '../domain/season.js';
import type { RegionCode, SeasonPlan } from '../domain/types.js';
import type { Logger } from '../logger.js';

export interface WeekInForce {
  plan: SeasonPlan;
  week: CurrentWeek;
}

/**
 * The stored season plans, re-read at most once a minute: every refresh needs the week's target, and an
 * operator's new plan (npm run seed:targets) reaches the workers within that minute without a restart.
 */
export class SeasonPlanCache {
  private plans: SeasonPlan[] | undefined;
  private loadedAt = 0;
  private loading: Promise<SeasonPlan[]> | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly ttlMs = 60_000,
  ) {}

  async weekOn(em: EntityManager, day: string, region: RegionCode): Promise<WeekInForce> {
    const plans = await this.current(em);
    // Without a seeded plan the built-in default still gives targets, rather than failing every refresh.
    const plan = planInForce(plans, day) ?? DEFAULT_SEASON_PLAN;
    return { plan, week: weekFor(plan, day, region) };
  }

  private async current(em: EntityManager): Promise<SeasonPlan[]> {
    if (this.plans && Date.now() - this.loadedAt < this.ttlMs) return this.plans;
    this.loading ??= loadSeasonPlans(em)
      .then((plans) => {
        if (plans.length === 0) this.logger.warn('no season plan stored; using the built-in default (run npm run seed:targets)');
        this.plans = plans;
        this.loadedAt = Date.now();
        return plans;
      })
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }
}
