import type { TeamPlanRecord } from '../../db/tables/team-plans.js';
import type { TeamPlanJson } from '../schemas/team-plans.js';

export function presentTeamPlan(p: TeamPlanRecord, currentTargetIlvl?: number): TeamPlanJson {
  return {
    id: p.planId,
    name: p.name,
    ranks: p.ranks,
    members: p.members.map((m) => ({ character_name: m.name, realm: m.realm })),
    offset: p.targets.kind === 'offset' ? p.targets.offset : null,
    weeks: p.targets.kind === 'weeks' ? p.targets.weeks.map((w) => ({ week: w.week, ilvl_target: w.targetIlvl })) : null,
    ...(currentTargetIlvl !== undefined && { current_target_ilvl: currentTargetIlvl }),
    version: p.version,
    retired: p.retired,
    updated_by: p.createdBy,
    updated_at: p.createdAt,
  };
}
