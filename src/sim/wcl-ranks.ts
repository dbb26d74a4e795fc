/**
 * Where WarcraftLogs would rank a guild's progress in the current raid: the hardest difficulty it has killed
 * bosses on and how many, as the real progress ranking orders guilds. Each step of progress is a band of world
 * ranks; `roll` (0 to 1) places the guild within its band, so guilds with the same progress still differ but a
 * 9/9 Mythic guild always ranks far ahead of a 4/9 Mythic one, which ranks ahead of any Heroic-only guild.
 */

/** World-rank bands by Mythic bosses killed, out of nine: few guilds clear Mythic, many stop halfway. */
const MYTHIC_BANDS: ReadonlyArray<readonly [number, number]> = [
  [7_200, 9_000], [5_600, 7_200], [4_200, 5_600], [3_000, 4_200], [2_000, 3_000],
  [1_200, 2_000], [600, 1_200], [150, 600], [1, 150],
];
/** Heroic-only guilds rank after every Mythic one, Normal-only after every Heroic one; each boss short is a band. */
const HEROIC_START = 9_000;
const HEROIC_BAND = 4_000;
const NORMAL_START = HEROIC_START + 9 * HEROIC_BAND;
const NORMAL_BAND = 5_000;

const MYTHIC = 5;
const HEROIC = 4;
const NORMAL = 3;

/** Bosses killed per difficulty id (3 Normal, 4 Heroic, 5 Mythic) out of `bosses`; no kill at all ranks last. */
export function worldRankFor(killsByDifficulty: Record<number, number>, roll: number, bosses = 9): number {
  const kills = (difficulty: number) => Math.min(bosses, Math.max(0, killsByDifficulty[difficulty] ?? 0));
  const within = ([low, high]: readonly [number, number]) => low + Math.floor(Math.min(0.999, Math.max(0, roll)) * (high - low));
  const mythic = kills(MYTHIC);
  if (mythic > 0) return within(MYTHIC_BANDS[Math.round((mythic / bosses) * 9) - 1] ?? MYTHIC_BANDS[0]!);
  const heroic = kills(HEROIC);
  if (heroic > 0) return within([HEROIC_START + (bosses - heroic) * HEROIC_BAND, HEROIC_START + (bosses - heroic + 1) * HEROIC_BAND]);
  const normal = kills(NORMAL);
  const short = bosses - normal;
  return within([NORMAL_START + short * NORMAL_BAND, NORMAL_START + (short + 1) * NORMAL_BAND]);
}
