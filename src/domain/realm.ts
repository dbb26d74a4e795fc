/**
 * Realms arrive spelled two ways: as Battle.net's slug ("area-52", "aggra-português") or as the display name
 * players see ("Area 52", "Aggra (Português)", "Azjol-Nerub"). Battle.net's URLs and our natural keys use the
 * slug, so every way in (webhooks, guild-api members and settings, query strings) goes through this one rule.
 *
 * A slug is already lower case and has no spaces, apostrophes or parentheses, and is kept as it is. A display
 * name is lower-cased; apostrophes, parentheses and hyphens are dropped (Battle.net slugs "Azjol-Nerub" as
 * "azjolnerub" and "Kel'Thuzad" as "kelthuzad"); runs of spaces become one hyphen. Accented letters stay, as
 * they do in Battle.net's own slugs ("pozzo-delleternità").
 */
export function realmSlug(realm: string): string {
  const text = realm.normalize('NFC').trim();
  const isSlug = !/[\s'’`()]/u.test(text) && text === text.toLocaleLowerCase('en-US');
  if (isSlug) return text;
  return text
    .toLocaleLowerCase('en-US')
    .replace(/['’`()\-]/gu, '')
    .trim()
    .replace(/\s+/gu, '-');
}

/** Lower-case letters (any script, accents kept) and digits in words joined by single hyphens. */
export const REALM_SLUG_PATTERN = /^[\p{Ll}\p{Lo}\p{M}\p{Nd}]+(?:-[\p{Ll}\p{Lo}\p{M}\p{Nd}]+)*$/u;

export const isRealmSlug = (value: string): boolean => REALM_SLUG_PATTERN.test(value);
