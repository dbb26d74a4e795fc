/**
 * Battle.net wants names lower-cased and URL-encoded as UTF-8 ("Zúljín" → "z%C3%BAlj%C3%ADn").
 * NFC first, so a name typed with combining accents maps to the same path as the precomposed one.
 */
export function nameSegment(name: string): string {
  return encodeURIComponent(name.normalize('NFC').toLowerCase());
}

/** "Gallywix Dive Team" → "gallywix-dive-team" (non-ASCII letters stay, URL-encoded). */
export function guildSlug(guildName: string): string {
  return guildName.normalize('NFC').trim().toLowerCase().replace(/\s+/g, '-');
}

export function characterPath(realmSlug: string, name: string): string {
  return `/profile/wow/character/${nameSegment(realmSlug)}/${nameSegment(name)}`;
}

export function guildRosterPath(realmSlug: string, guildName: string): string {
  return `/data/wow/guild/${nameSegment(realmSlug)}/${encodeURIComponent(guildSlug(guildName))}/roster`;
}
