import { targetOnDay, type TargetWeek } from '../../domain/history.js';
import type { ItemLevelPoint } from '../../db/tables/item-level-history.js';
import type { CharacterHistoryJson, HistoryBlockJson } from '../schemas/characters.js';
import { csvCell, UTF8_BOM } from './members.js';

export function presentHistory(weeks: number, range: { from: string; to: string }, points: ItemLevelPoint[], line: TargetWeek[]): HistoryBlockJson {
  return {
    weeks,
    from: range.from,
    to: range.to,
    points: points.map((p) => ({ date: p.date, ilvl: p.itemLevel })),
    targets: line.map((w) => ({ week: w.week, start_date: w.startDate, starts_at: w.startsAt.toISOString(), target_ilvl: w.targetIlvl })),
  };
}

const HISTORY_CSV_COLUMNS = ['date', 'ilvl', 'week', 'target_ilvl'] as const;

/**
 * One line per daily point, with the week and target in force at the end of that day (today: now), so a
 * spreadsheet can chart both columns; byte-order mark, header first, CRLF line ends, like the overview's CSV.
 */
export function historyCsv(body: CharacterHistoryJson, now: Date): string {
  const line: TargetWeek[] = body.targets.map((t) => ({ week: t.week, startsAt: new Date(t.starts_at), startDate: t.start_date, targetIlvl: t.target_ilvl }));
  const lines: string[] = [HISTORY_CSV_COLUMNS.join(',')];
  for (const p of body.points) {
    const week = targetOnDay(line, p.date, now);
    lines.push([p.date, p.ilvl, week?.week ?? null, week?.targetIlvl ?? null].map(csvCell).join(','));
  }
  return `${UTF8_BOM}${lines.join('\r\n')}\r\n`;
}
