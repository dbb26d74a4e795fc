import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { trackTableProblems, type TrackTable } from '../domain/upgrades.js';

/**
 * A season's upgrade tracks as operators write them, like a plan file (snake_case):
 * {"expansion": "Midnight", "season": "Season 2", "tracks": [{"name": "Champion", "item_levels": [259, 262, …]}]}
 */
export const trackTableFileSchema = z.object({
  expansion: z.string().min(1),
  season: z.string().min(1),
  tracks: z.array(z.object({ name: z.string().min(1), item_levels: z.array(z.number().positive().max(10000)).min(1) })).min(1),
});

/** The table a file describes; throws an Error saying what is wrong (unknown shape, repeated track, falling levels). */
export function trackTableFromFile(json: unknown): TrackTable {
  const parsed = trackTableFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(parsed.error.issues.map((i) => `${i.path.join('.') || 'file'}: ${i.message}`).join('; '));
  }
  const table: TrackTable = {
    expansion: parsed.data.expansion,
    season: parsed.data.season,
    tracks: parsed.data.tracks.map((t) => ({ name: t.name, itemLevels: t.item_levels })),
  };
  const problems = trackTableProblems(table);
  if (problems.length > 0) throw new Error(problems.join('; '));
  return table;
}

/** Reads and checks a track table file, once, at start-up. */
export function readTrackTableFile(path: string): TrackTable {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${path} is not JSON`);
  }
  return trackTableFromFile(json);
}
