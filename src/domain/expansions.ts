/**
 * Expansions by the major game version they shipped as (Midnight is 12.0), the number hool.gg's web app keeps
 * as `expansion_id`. A season plan names its expansion; a name not listed here has id 0.
 */
const EXPANSION_IDS: Readonly<Record<string, number>> = Object.freeze({
  Dragonflight: 10,
  'The War Within': 11,
  Midnight: 12,
  'The Last Titan': 13,
});

export function expansionIdOf(name: string): number {
  return EXPANSION_IDS[name] ?? 0;
}

/**
 * The highest level a character can reach in each expansion: the one place the level cap is written. A season
 * plan names its expansion, so the plan in force decides the cap (the api's overview and the simulator's
 * characters both read it here). An expansion not listed has no known cap (null), and nothing is set apart.
 */
const LEVEL_CAPS: Readonly<Record<string, number>> = Object.freeze({
  Dragonflight: 70,
  'The War Within': 80,
  Midnight: 90,
});

export function levelCapOf(expansion: string): number | null {
  return LEVEL_CAPS[expansion] ?? null;
}
