import type { TeamPlan, TeamTargets } from '../../domain/team-plan.js';
import { query, toIso, toNumber, type Db } from '../sql.js';
import { col, defineTable, type Row } from '../table.js';

/**
 * Every version of every team target plan of a guild. A plan is its plan_id; the newest row of a plan_id is the
 * plan in force, unless that row retires it. Nothing is ever updated or deleted, so the history is kept.
 */
export const teamPlansTable = defineTable('team_plans', {
  id: col.bigint().defaulted(),
  plan_id: col.bigint(),
  guild_id: col.integer(),
  name: col.text(),
  ranks: col.jsonb<number[]>(),
  members: col.jsonb<Array<{ name: string; realm: string }>>(),
  target_offset: col.double().nullable(),
  weeks: col.jsonb<Array<{ week: number; target_ilvl: number }> | null>().nullable(),
  retired: col.boolean().defaulted(),
  created_by: col.bigint(),
  created_at: col.timestamptz().defaulted(),
});

export interface TeamPlanRecord extends TeamPlan {
  guildId: number;
  /** This version's id: versions of one plan are numbered in the order they were saved. */
  version: number;
  retired: boolean;
  createdBy: number;
  createdAt: string;
}

/** What a save writes: the plan's fields, its targets either an offset or weekly targets. */
export interface TeamPlanWrite {
  name: string;
  ranks: number[];
  members: Array<{ name: string; realm: string }>;
  targets: TeamTargets;
}

type PlanRow = Row<typeof teamPlansTable>;

const toRecord = (r: PlanRow): TeamPlanRecord => ({
  planId: toNumber(r.plan_id) as number,
  guildId: r.guild_id,
  version: toNumber(r.id) as number,
  name: r.name,
  ranks: [...r.ranks].sort((a, b) => a - b),
  members: r.members,
  targets:
    r.weeks !== null
      ? { kind: 'weeks', weeks: r.weeks.map((w) => ({ week: w.week, targetIlvl: w.target_ilvl })).sort((a, b) => a.week - b.week) }
      : { kind: 'offset', offset: r.target_offset ?? 0 },
  retired: r.retired,
  createdBy: toNumber(r.created_by) as number,
  createdAt: toIso(r.created_at) as string,
});

const COLUMNS = 'id, plan_id, guild_id, name, ranks, members, target_offset, weeks, retired, created_by, created_at';

/** The plans in force of a guild (the newest version of each, retired ones left out), oldest plan first. */
export async function findTeamPlans(db: Db, guildId: number): Promise<TeamPlanRecord[]> {
  const rows = await query<PlanRow>(
    db,
    `select * from (select distinct on (plan_id) ${COLUMNS} from team_plans where guild_id = ? order by plan_id, id desc) p
      where not p.retired order by p.plan_id`,
    [guildId],
  );
  return rows.map(toRecord);
}

/** The newest version of one plan of the guild, retired or not. */
export async function findTeamPlan(db: Db, guildId: number, planId: number): Promise<TeamPlanRecord | undefined> {
  const rows = await query<PlanRow>(db, `select ${COLUMNS} from team_plans where guild_id = ? and plan_id = ? order by id desc limit 1`, [guildId, planId]);
  return rows[0] && toRecord(rows[0]);
}

/** Every version of one plan of the guild, newest first. */
export async function findTeamPlanHistory(db: Db, guildId: number, planId: number): Promise<TeamPlanRecord[]> {
  const rows = await query<PlanRow>(db, `select ${COLUMNS} from team_plans where guild_id = ? and plan_id = ? order by id desc`, [guildId, planId]);
  return rows.map(toRecord);
}

function writeParams(plan: TeamPlanWrite): unknown[] {
  const weeks = plan.targets.kind === 'weeks' ? JSON.stringify(plan.targets.weeks.map((w) => ({ week: w.week, target_ilvl: w.targetIlvl }))) : null;
  const offset = plan.targets.kind === 'offset' ? plan.targets.offset : null;
  return [plan.name, JSON.stringify(plan.ranks), JSON.stringify(plan.members), offset, weeks];
}

/** A new plan: a fresh plan_id, its first version. */
export async function createTeamPlan(db: Db, guildId: number, plan: TeamPlanWrite, createdBy: number): Promise<TeamPlanRecord> {
  const rows = await query<PlanRow>(
    db,
    `insert into team_plans (plan_id, guild_id, name, ranks, members, target_offset, weeks, created_by)
     values (nextval('team_plan_ids'), ?, ?, ?::jsonb, ?::jsonb, ?::float8, ?::jsonb, ?) returning ${COLUMNS}`,
    [guildId, ...writeParams(plan), createdBy],
  );
  return toRecord(rows[0] as PlanRow);
}

/**
 * A new version of a plan the guild has and has not retired; undefined when it has no such plan. The insert
 * reads the plan's newest version in the same statement, so a retired plan cannot be brought back by a save.
 */
export async function appendTeamPlan(
  db: Db,
  guildId: number,
  planId: number,
  plan: TeamPlanWrite | 'retired',
  createdBy: number,
): Promise<TeamPlanRecord | undefined> {
  const values =
    plan === 'retired'
      ? { sql: 'p.name, p.ranks, p.members, p.target_offset, p.weeks, true', params: [] as unknown[] }
      : { sql: '?, ?::jsonb, ?::jsonb, ?::float8, ?::jsonb, false', params: writeParams(plan) };
  const rows = await query<PlanRow>(
    db,
    `insert into team_plans (plan_id, guild_id, name, ranks, members, target_offset, weeks, retired, created_by)
     select p.plan_id, p.guild_id, ${values.sql}, ?
       from (select * from team_plans where guild_id = ? and plan_id = ? order by id desc limit 1) p
      where not p.retired
     returning ${COLUMNS}`,
    [...values.params, createdBy, guildId, planId],
  );
  return rows[0] && toRecord(rows[0]);
}
