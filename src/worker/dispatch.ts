import { UnrecoverableError, type Job, type Processor } from 'bullmq';
import { JOB_KIND_NAMES, JOBS, type JobKindName, type PayloadOf } from '../queue/registry.js';
import type { QueueKey } from '../queue/queues.js';
import type { WorkerContext } from './context.js';
import { runLogged } from './job-log.js';
import type { JobProcessor, ProcessJob, ProcessorRegistry } from './processors/index.js';
import { jobPayload } from './processors/payload.js';

/** Refuses a registry in which some job kind has no processor: such jobs would wait in Redis forever. */
export function assertEveryKindProcessed(processors: Partial<ProcessorRegistry>): asserts processors is ProcessorRegistry {
  const missing = JOB_KIND_NAMES.filter((kind) => typeof processors[kind]?.create !== 'function');
  if (missing.length) throw new Error(`no processor for job kind(s): ${missing.join(', ')}`);
}

/** The queues that have at least one job kind, each with its kinds. */
export function kindsByQueue(): Map<QueueKey, JobKindName[]> {
  const byQueue = new Map<QueueKey, JobKindName[]>();
  for (const kind of JOB_KIND_NAMES) byQueue.set(JOBS[kind].queue, [...(byQueue.get(JOBS[kind].queue) ?? []), kind]);
  return byQueue;
}

/**
 * The BullMQ processor of one queue: finds the kind by the job's name, checks the data against the kind's
 * schema (a malformed job fails at once, unretried) and runs the kind's processor with one log line.
 */
export function queueProcessor(ctx: WorkerContext, kinds: readonly JobKindName[], processors: ProcessorRegistry): Processor {
  const byName = new Map<string, (job: Job, token: string | undefined) => Promise<unknown>>();
  for (const kind of kinds) byName.set(JOBS[kind].name, bind(ctx, kind, processors[kind]));
  return (job: Job, token?: string) => {
    const run = byName.get(job.name);
    if (!run) return Promise.reject(new UnrecoverableError(`no job kind named "${job.name}" on ${job.queueName}`));
    return run(job, token);
  };
}

function bind<K extends JobKindName>(ctx: WorkerContext, kind: K, processor: JobProcessor<K>) {
  const process: ProcessJob<K> = processor.create(ctx);
  const schema = JOBS[kind].schema;
  return (job: Job, token: string | undefined) => {
    const subject = processor.subject?.((job.data ?? {}) as Partial<PayloadOf<K>>) ?? {};
    return runLogged(ctx, job, subject, () => process(jobPayload(schema, job) as PayloadOf<K>, job, token));
  };
}
