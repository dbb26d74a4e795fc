import type { MikroORM } from '@mikro-orm/postgresql';
import type { Clock } from '../clock.js';
import { loadSeasonPlans } from '../db/tables/weekly-targets.js';
import type { RegionCode } from '../domain/regions.js';
import type { ResetSchedule } from '../domain/resets.js';
import { expansionIdOf, levelCapOf } from '../domain/expansions.js';
import { DEFAULT_SEASON_PLAN } from '../domain/season-plan.js';
import { planHorizon, type PlanWeek } from '../domain/forecast.js';
import { targetLine, type TargetWeek } from '../domain/history.js';
import { planAt, roadmapAt, weekAt, type CurrentWeek, type RoadmapWeek } from '../domain/season.js';
import type { SeasonPlan } from '../domain/types.js';
import type { Logger } from '../logger.js';

/** The plan changes only when an operator seeds a new one; a minute's delay in noticing it is fine. */
const RELOAD_EVERY_MS = 60_000;
/** After a failed read, the next attempt waits this long, so callers do not each wait on a dead database. */
const RETRY_AFTER_FAILURE_MS = 5_000;

export interface SeasonNow {
  expansion: string;
  season: string;
  region: RegionCode;
  /** The instant the answer is for. */
  at: Date;
  week: CurrentWeek;
  /** The expansion as a number (Midnight: 12), or the one a guild's own plan gives. */
  expansionId: number;
  /** The expansion's highest character level (Midnight: 90); null for an expansion whose cap is not known. */
  levelCap: number | null;
  /** Set when the answer comes from a guild's own plan. */
  isGuildPlan: boolean;
}

export interface SeasonRoadmap extends SeasonNow {
  weeks: RoadmapWeek[];
}

/**
 * Where a guild's own plan comes from, when a guild may have one; `undefined` means the guild follows the
 * stored season plans. The calendar asks it before anything else.
 */
export interface GuildPlans {
  planOf(guildId: number): Promise<SeasonPlan | undefined>;
}

export interface SeasonCalendarDeps {
  orm: MikroORM;
  logger: Logger;
  clock: Clock;
  resets: ResetSchedule;
  guildPlans?: GuildPlans;
}

/**
 * The one season calendar of the api and the worker: which plan applies (a guild's own, else the stored plan in
 * force, else the built-in default, so nothing is ever answered without a target) and which week of it it is
 * now in a region, by the domain's week rule at the clock's instant. Stored plans are read from weekly_targets
 * and kept in memory for a minute of real time: a seeded plan reaches every process within that minute, and a
 * test that stops its clock still sees a plan it seeds.
 */
export class SeasonCalendar {
  private plans: SeasonPlan[] | undefined;
  private nextLoadAt = 0;
  private loading: Promise<void> | undefined;

  constructor(private readonly deps: SeasonCalendarDeps) {}

  /** The week in force now in a region, for a guild when one is named. */
  now(region: RegionCode, guildId?: number): Promise<SeasonNow> {
    return this.at(this.deps.clock.now(), region, guildId);
  }

  async at(at: Date, region: RegionCode, guildId?: number): Promise<SeasonNow> {
    const plan = await this.planFor(at, region, guildId);
    return { ...identityOf(plan), region, at, week: weekAt(plan, at, region, this.deps.resets) };
  }

  async roadmap(region: RegionCode, guildId?: number): Promise<SeasonRoadmap> {
    const at = this.deps.clock.now();
    const plan = await this.planFor(at, region, guildId);
    return {
      ...identityOf(plan),
      region,
      at,
      week: weekAt(plan, at, region, this.deps.resets),
      weeks: roadmapAt(plan, at, region, this.deps.resets),
    };
  }

  /**
   * The weeks in force between two instants with their targets, by the week rule, under the plan in force at
   * `to` (a history chart's target line).
   */
  async targetLine(region: RegionCode, from: Date, to: Date, guildId?: number): Promise<TargetWeek[]> {
    const plan = await this.planFor(to, region, guildId);
    return targetLine(plan, from, to, region, this.deps.resets);
  }

  /** The weeks a forecast looks at from an instant: the current one, the rest of the plan, eight ahead at least. */
  async horizon(region: RegionCode, at: Date, guildId?: number): Promise<{ currentWeek: number; weeks: PlanWeek[] }> {
    const plan = await this.planFor(at, region, guildId);
    return planHorizon(plan, at, region, this.deps.resets);
  }

  /** The plan that applies to a guild (or, with no guild, to everyone) at an instant in a region. */
  async planFor(at: Date, region: RegionCode, guildId?: number): Promise<SeasonPlan> {
    if (guildId !== undefined && this.deps.guildPlans) {
      const own = await this.deps.guildPlans.planOf(guildId);
      if (own && own.weeks.length > 0) return own;
    }
    return planAt(await this.storedPlans(), at, region, this.deps.resets) ?? DEFAULT_SEASON_PLAN;
  }

  /** Forgets the stored plans read, so the next question reads them again (after seeding a plan). */
  reload(): void {
    this.nextLoadAt = 0;
  }

  private async storedPlans(): Promise<SeasonPlan[]> {
    if (Date.now() >= this.nextLoadAt) {
      this.loading ??= this.load().finally(() => {
        this.loading = undefined;
      });
      await this.loading;
    }
    return this.plans ?? [];
  }

  private async load(): Promise<void> {
    try {
      const plans = await loadSeasonPlans(this.deps.orm.em.fork());
      if (plans.length === 0) this.deps.logger.warn('no season plan stored; using the built-in default (run npm run seed:targets)');
      this.plans = plans;
      this.nextLoadAt = Date.now() + RELOAD_EVERY_MS;
    } catch (err) {
      // The last plan read (or the default) keeps serving while the database is away.
      this.nextLoadAt = Date.now() + RETRY_AFTER_FAILURE_MS;
      this.deps.logger.warn({ err: (err as Error).message }, 'could not read the season plan; using the last one read');
    }
  }
}

function identityOf(plan: SeasonPlan) {
  return {
    expansion: plan.expansion,
    season: plan.season,
    expansionId: plan.expansionId ?? expansionIdOf(plan.expansion),
    levelCap: levelCapOf(plan.expansion),
    isGuildPlan: plan.guildId !== undefined,
  };
}

/**
 * How long something derived from the week at `season.at` may be kept, in whole seconds: at most `seconds`, and
 * never past the week's end (the next reset), so no cached body outlives the week it was computed for.
 */
export function secondsWithinWeek(season: SeasonNow, seconds: number): number {
  const left = Math.floor((season.week.endsAt.getTime() - season.at.getTime()) / 1000);
  return Math.max(0, Math.min(seconds, left));
}
