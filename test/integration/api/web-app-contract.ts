/**
 * What hool.gg's web app (apps/web of chrolicious/hoolgg) reads from progress-api on its progress page and its
 * settings page, written down from the app's own types and uses: each call it makes and, for each answer,
 * every field it reads with the type it expects. A field the app guards with `?.`/`&&` may be null
 * (`nullable`); a field it declares optional and tests with `!== undefined` may be absent but never null
 * (`optional`: null would pass its guard and reach `.toFixed()`); everything else must be present.
 */

export type FieldType =
  | 'string'
  | 'number'
  | 'object'
  | { enum: readonly string[] }
  | { array: Shape }
  | Shape;

export interface Field {
  type: FieldType;
  /** The app tolerates null here (it guards the read). */
  nullable?: boolean;
  /** The app tolerates the field's absence, not null (`!== undefined` guards). */
  optional?: boolean;
}

export interface Shape {
  fields: Record<string, Field>;
}

const f = (type: FieldType, nullable = false): Field => ({ type, nullable });
/** Declared optional by the app and read behind `!== undefined`: absent is fine, null is not. */
const optional = (type: FieldType): Field => ({ type, optional: true });
const shape = (fields: Record<string, Field>): Shape => ({ fields });
const status = { enum: ['ahead', 'behind', 'unknown'] } as const;

/** GET /guilds/{id}/progress/characters: page.tsx CharactersResponse, the alt selector and the character card. */
export const CHARACTERS = shape({
  expansion: f('string'),
  current_week: f('number'),
  characters: f({
    array: shape({
      character_name: f('string'),
      class_name: f('string'),
      spec: f('string'),
      role: f('string'),
      // Summed for the average: a character not fetched yet has none (counted as 0 by the app's arithmetic).
      current_ilvl: f('number', true),
      progress: f(shape({ target_ilvl: f('number'), current_week: f('number'), status: f(status), message: f('string') })),
    }),
  }),
});

/** GET …/progress/message: page.tsx and settings/page.tsx MessageResponse (both guard gm_message). */
export const MESSAGE = shape({ gm_message: f('string', true), updated_at: f('string', true) });

/** GET …/progress/roadmap: RoadmapResponse and RoadmapWeek of page.tsx, expansion-roadmap.tsx and settings. */
export const ROADMAP = shape({
  expansion_id: f('number'),
  weeks: f({ array: shape({ expansion_id: f('number'), week: f('number'), ilvl_target: f('number') }) }),
});

/** GET …/progress/members: MembersResponse and guild-overview-table.tsx GuildMemberProgress. */
export const MEMBERS = shape({
  target_ilvl: f('number'),
  current_week: f('number'),
  members: f({
    array: shape({
      character_name: f('string'),
      realm: f('string'),
      class_name: f('string'),
      spec: f('string'),
      role: f('string'),
      current_ilvl: f('number', true),
      target_ilvl: f('number'),
      status: f(status),
      last_updated: f('string', true),
    }),
  }),
});

/** GET …/progress/character/{name} (no realm): CharacterDetailResponse and gear-priority-list.tsx. */
export const CHARACTER_DETAIL = shape({
  character: f(shape({
    character_name: f('string'),
    current_ilvl: f('number'),
    gear_details: f('object'),
    class_name: f('string'),
    spec_name: f('string'),
    last_updated: f('string', true),
  })),
  target_ilvl: f('number'),
  current_week: f('number'),
  gear_priorities: f({
    array: shape({
      slot: f('string'),
      current_ilvl: f('number'),
      target_ilvl: f('number'),
      item_name: f('string', true),
      source: f('string', true),
      upgrade_priority: f({ enum: ['high', 'medium', 'low'] }),
    }),
  }),
});

/** GET …/progress/comparisons?guild_name=&realm=&region=: realm-comparison.tsx ComparisonData. */
const comparedGuild = shape({
  guild_name: f('string'),
  realm: f('string'),
  region: f('string'),
  avg_ilvl: optional('number'),
  best_performance: optional('string'),
  world_rank: optional('number'),
  region_rank: optional('number'),
  realm_rank: optional('number'),
  logs_count: optional('number'),
});
export const COMPARISONS = shape({
  your_guild: f(comparedGuild),
  compared_guilds: f({ array: comparedGuild }),
  realm_average: optional('number'),
  your_rank: optional('number'),
  total_guilds: f('number'),
});

const isShape = (t: FieldType): t is Shape => typeof t === 'object' && 'fields' in t;

function typeProblems(value: unknown, type: FieldType, path: string): string[] {
  if (type === 'string' || type === 'number') return typeof value === type ? [] : [`${path}: expected ${type}, got ${JSON.stringify(value)}`];
  if (type === 'object') return typeof value === 'object' && value !== null && !Array.isArray(value) ? [] : [`${path}: expected an object`];
  if ('enum' in type) return type.enum.includes(value as string) ? [] : [`${path}: expected one of ${type.enum.join('|')}, got ${JSON.stringify(value)}`];
  if ('array' in type) {
    if (!Array.isArray(value)) return [`${path}: expected an array`];
    return value.flatMap((item, i) => typeProblems(item, type.array, `${path}[${i}]`));
  }
  return problemsOf(value, type, path);
}

/** Every way a body falls short of what the app reads: a field missing, null where the app cannot take it, or of another type. */
export function problemsOf(value: unknown, expected: Shape, path = '$'): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${path}: expected an object`];
  const body = value as Record<string, unknown>;
  return Object.entries(expected.fields).flatMap(([name, field]) => {
    const at = `${path}.${name}`;
    if (!(name in body) || body[name] === undefined) return field.optional ? [] : [`${at}: missing`];
    if (body[name] === null) return field.nullable ? [] : [`${at}: null`];
    return typeProblems(body[name], field.type, at);
  });
}

/** Every field a shape lists, with its path (shapes nested in arrays at index 0), for tests that remove or retype one. */
export function fieldPaths(expected: Shape, prefix: string[] = []): { path: string[]; field: Field }[] {
  return Object.entries(expected.fields).flatMap(([name, field]) => {
    const here = { path: [...prefix, name], field };
    const t = field.type;
    if (isShape(t)) return [here, ...fieldPaths(t, here.path)];
    if (typeof t === 'object' && 'array' in t && isShape(t.array)) return [here, ...fieldPaths(t.array, [...here.path, '0'])];
    return [here];
  });
}
