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
