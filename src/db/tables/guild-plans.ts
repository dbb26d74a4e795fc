import type { GuildPlan, GuildPlanWeek } from '../../domain/guild-plan.js';
import { query, toIso, toNumber, type Db } from '../sql.js';
import { col, defineTable, type Row } from '../table.js';

/** Every version of a guild's own weekly plan; the newest row is the plan in force. */
export const guildPlansTable = defineTable('guild_plans', {
  id: col.bigint().defaulted(),
  guild_id: col.integer(),
  expansion_id: col.integer(),
  weeks: col.jsonb<Array<{ week: number; target_ilvl: number }>>(),
  created_by: col.bigint(),
  created_at: col.timestamptz().defaulted(),
});

export interface GuildPlanRecord extends GuildPlan {
  guildId: number;
  createdBy: number;
  createdAt: string;
}

type PlanRow = Omit<Row<typeof guildPlansTable>, 'id'>;

const toRecord = (r: PlanRow): GuildPlanRecord => ({
  guildId: r.guild_id,
  expansionId: r.expansion_id,
  weeks: r.weeks.map((w): GuildPlanWeek => ({ week: w.week, targetIlvl: w.target_ilvl })).sort((a, b) => a.week - b.week),
  createdBy: toNumber(r.created_by) as number,
  createdAt: toIso(r.created_at) as string,
});

const COLUMNS = 'guild_id, expansion_id, weeks, created_by, created_at';

/** The newest version is the plan in force (guild_plans_guild_idx: guild_id, id desc). */
export async function findGuildPlan(db: Db, guildId: number): Promise<GuildPlanRecord | undefined> {
  const rows = await query<PlanRow>(db, `select ${COLUMNS} from guild_plans where guild_id = ? order by id desc limit 1`, [guildId]);
  return rows[0] && toRecord(rows[0]);
}

/** Every save is a new version, so the guild's earlier plans are kept. */
export async function appendGuildPlan(db: Db, guildId: number, plan: GuildPlan, createdBy: number): Promise<GuildPlanRecord> {
  const weeks = JSON.stringify(plan.weeks.map((w) => ({ week: w.week, target_ilvl: w.targetIlvl })));
  const rows = await query<PlanRow>(
    db,
    `insert into guild_plans (guild_id, expansion_id, weeks, created_by) values (?, ?, ?::jsonb, ?) returning ${COLUMNS}`,
    [guildId, plan.expansionId, weeks, createdBy],
  );
  return toRecord(rows[0] as PlanRow);
}
