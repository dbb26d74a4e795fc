/**
 * Just enough JSON Schema (OpenAPI 3.1 dialect) to check real responses against the published document:
 * $ref, type (with null), required, properties, items, enum and const. Returns the problems found.
 */
type Schema = Record<string, any>;

export function schemaProblems(doc: Schema, schema: Schema, value: unknown, at = '$'): string[] {
  if (schema.$ref) {
    const name = String(schema.$ref).replace('#/components/schemas/', '');
    return schemaProblems(doc, doc.components.schemas[name], value, at);
  }
  const types: string[] = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.length && !types.some((t) => fits(t, value))) return [`${at}: expected ${types.join('|')}, got ${JSON.stringify(value)?.slice(0, 60)}`];
  if (value === null) return [];
  const problems: string[] = [];
  if (schema.enum && !schema.enum.includes(value)) problems.push(`${at}: ${JSON.stringify(value)} not in ${schema.enum.join(', ')}`);
  if ('const' in schema && schema.const !== value) problems.push(`${at}: expected ${JSON.stringify(schema.const)}`);
  if (typeof value === 'object' && !Array.isArray(value)) {
    const object = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (!(key in object)) problems.push(`${at}.${key}: required`);
    for (const [key, sub] of Object.entries<Schema>(schema.properties ?? {})) {
      if (key in object) problems.push(...schemaProblems(doc, sub, object[key], `${at}.${key}`));
    }
  }
  if (Array.isArray(value) && schema.items) value.forEach((item, i) => problems.push(...schemaProblems(doc, schema.items, item, `${at}[${i}]`)));
  return problems;
}

function fits(type: string, value: unknown): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    default:
      return typeof value === type;
  }
}

/** The documented response of an operation for a status, or undefined when the document does not list it. */
export function documentedResponse(doc: Schema, method: string, path: string, status: number): Schema | undefined {
  const template = Object.keys(doc.paths).find((p) => new RegExp(`^${p.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path));
  if (!template) return undefined;
  return doc.paths[template]?.[method.toLowerCase()]?.responses?.[String(status)];
}
