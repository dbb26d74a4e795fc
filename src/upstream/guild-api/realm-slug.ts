/**
 * guild-api may hold a realm's display name ("Area 52", "Kel'Thuzad") or its slug; Battle.net wants the slug:
 * lower-case, apostrophes dropped, spaces as dashes.
 */
export function realmSlug(realm: string): string {
  return realm
    .normalize('NFC')
    .trim()
    .toLowerCase()
    .replace(/['’]/g, '')
    .replace(/\s+/g, '-');
}
