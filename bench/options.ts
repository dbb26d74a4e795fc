import { parseArgs } from 'node:util';
import { resolve } from 'node:path';

/** Sizes and durations of one run; `--quick` shrinks everything so a smoke run ends well inside a minute. */
export interface BenchPlan {
  quick: boolean;
  out: string;
  /** Children run the compiled dist/ instead of the sources under tsx. */
  compiled: boolean;
  /** Keep the children's logs (and profiles) after a successful run; a failed run always keeps them. */
  keepLogs: boolean;
  /** Phases to run; all by default. `--only reads,cache` skips the rest while iterating on one number. */
  phases: Set<PhaseName>;
  reads: {
    guildMembers: number;
    saturationSeconds: number;
    connections: number;
    latencySeconds: number;
    characterRate: number;
    overviewRate: number;
    warmupSeconds: number;
  };
  pipeline: { members: number; latencyMs: number; quotaPerSecond: number };
  hourly: { members: number; ratePerSecond: number };
  cache: { members: number; requests: number; seconds: number; users: number };
  scaling: number[];
}

export const PHASES = ['reads', 'pipeline', 'hourly', 'cache', 'scaling'] as const;
export type PhaseName = (typeof PHASES)[number];

export function parsePlan(argv: string[]): BenchPlan {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
      only: { type: 'string' },
      compiled: { type: 'boolean', default: false },
      'keep-logs': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const quick = values.quick ?? false;
  const compiled = values.compiled ?? false;
  const keepLogs = (values['keep-logs'] ?? false) || Boolean(process.env.BENCH_CPU_PROF);
  const out = resolve(values.out ?? 'bench/results/latest.json');
  const only = values.only?.split(',').map((s) => s.trim()).filter(Boolean);
  for (const name of only ?? []) {
    if (!(PHASES as readonly string[]).includes(name)) throw new Error(`--only: unknown phase "${name}" (${PHASES.join(', ')})`);
  }
  const phases = new Set<PhaseName>((only as PhaseName[] | undefined) ?? PHASES);
  if (quick) {
    return {
      quick, out, compiled, keepLogs, phases,
      reads: { guildMembers: 40, saturationSeconds: 1, connections: 20, latencySeconds: 1, characterRate: 200, overviewRate: 20, warmupSeconds: 0.5 },
      pipeline: { members: 60, latencyMs: 50, quotaPerSecond: 100 },
      hourly: { members: 15, ratePerSecond: 20 },
      cache: { members: 40, requests: 300, seconds: 1, users: 10 },
      // The second size is the pipeline's own guild, whose run is reused (as 1,000 is in the full run).
      scaling: [10, 60],
    };
  }
  return {
    quick, out, compiled, keepLogs, phases,
    reads: { guildMembers: 500, saturationSeconds: 10, connections: 50, latencySeconds: 10, characterRate: 500, overviewRate: 50, warmupSeconds: 3 },
    pipeline: { members: 1000, latencyMs: 50, quotaPerSecond: 100 },
    // ~40 s at the hourly rate: long enough to see it hold, short enough for the ten-minute budget.
    hourly: { members: 400, ratePerSecond: 20 },
    // Ten minutes of a raid night compressed: ~20 reads/s for 600 s become 12,000 reads in 30 s.
    cache: { members: 500, requests: 12000, seconds: 30, users: 150 },
    scaling: [100, 1000, 5000],
  };
}
