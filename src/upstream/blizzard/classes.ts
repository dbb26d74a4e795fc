/** Battle.net playable class ids (stable since Dragonflight); the roster carries only the id. */
export const CLASS_NAMES: Readonly<Record<number, string>> = {
  1: 'Warrior',
  2: 'Paladin',
  3: 'Hunter',
  4: 'Rogue',
  5: 'Priest',
  6: 'Death Knight',
  7: 'Shaman',
  8: 'Mage',
  9: 'Warlock',
  10: 'Monk',
  11: 'Druid',
  12: 'Demon Hunter',
  13: 'Evoker',
};

export function className(classId: number): string {
  return CLASS_NAMES[classId] ?? 'Unknown';
}
