import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** One reported goal: never asserted, only shown next to the figure and kept in latest.json. */
export interface Target {
  name: string;
  value: number | undefined;
  goal: string;
  met: boolean | undefined;
}

type Compare = 'min' | 'max' | 'eq';
const check = (value: number | undefined, bound: number, how: Compare): boolean | undefined => {
  if (value === undefined || Number.isNaN(value)) return undefined;
  if (how === 'min') return value >= bound;
  if (how === 'max') return value <= bound;
  return value === bound;
};

export function target(name: string, value: number | undefined, bound: number, how: Compare, unit = ''): Target {
  const symbol = how === 'min' ? '≥' : how === 'max' ? '≤' : '=';
  return { name, value, goal: `${symbol} ${bound}${unit}`, met: check(value, bound, how) };
}

export function printTable(title: string, rows: Array<[string, string]>): void {
  const width = Math.max(...rows.map(([k]) => k.length), 10);
  process.stdout.write(`\n${title}\n`);
  for (const [key, value] of rows) process.stdout.write(`  ${key.padEnd(width)}  ${value}\n`);
}

export function printTargets(targets: Target[]): void {
  printTable(
    'targets (reported, not enforced)',
    targets.map((t) => [t.name, `${fmt(t.value).padStart(9)}  ${t.goal.padEnd(10)} ${t.met === undefined ? 'n/a' : t.met ? 'met' : 'MISSED'}`]),
  );
}

export const fmt = (value: number | undefined, digits = 2): string =>
  value === undefined || Number.isNaN(value) ? '-' : Number.isInteger(value) ? String(value) : value.toFixed(digits);

export function writeResults(path: string, results: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
}
