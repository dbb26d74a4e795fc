import type { Job, JobSchedulerTemplateOptions, JobsOptions, RepeatOptions } from 'bullmq';
import type { z } from 'zod';
import type { QueueKey, Queues } from './queues.js';

/**
 * What defines one kind of job: the queue it goes to, its name there, the schema of its data, its retry and
 * retention policy, and the options that depend on the payload (job id or deduplication key, priority, delay).
 * `Extra` is what a producer adds per call to choose those options (a priority, the event a reminder names),
 * never data the worker reads; it is optional unless it has required fields.
 */
export interface JobKindSpec<Q extends QueueKey, N extends string, S extends z.ZodType, Extra extends object> {
  queue: Q;
  name: N;
  schema: S;
  options: JobsOptions;
  perJob?: (payload: z.infer<S>, extra: Extra) => JobsOptions;
}

/** A job kind with its producer side: the only way jobs are added to a queue. */
export interface JobKind<Q extends QueueKey, N extends string, S extends z.ZodType, Extra extends object>
  extends JobKindSpec<Q, N, S, Extra> {
  /** Checks the payload against the schema (a bad payload throws here, not in the worker) and adds the job. */
  enqueue(queues: Queues, payload: z.input<S>, ...extra: ExtraArg<Extra>): Promise<Job<z.infer<S>>>;
  /** The same for many payloads, in one round trip. */
  enqueueMany(queues: Queues, payloads: readonly z.input<S>[], ...extra: ExtraArg<Extra>): Promise<Job<z.infer<S>>[]>;
  /** Makes this kind periodic (one schedule per id across every replica); upserting again keeps the schedule. */
  schedule(queues: Queues, schedulerId: string, repeat: Omit<RepeatOptions, 'key'>, payload: z.input<S>): Promise<unknown>;
}

/** The per-call argument: may be left out when every field of `Extra` is optional. */
export type ExtraArg<Extra extends object> = object extends Extra ? [extra?: Extra] : [extra: Extra];


export function defineJob<Q extends QueueKey, N extends string, S extends z.ZodType, Extra extends object = object>(
  spec: JobKindSpec<Q, N, S, Extra>,
): JobKind<Q, N, S, Extra> {
  const optionsFor = (data: z.infer<S>, extra: ExtraArg<Extra>): JobsOptions => ({
    ...spec.options,
    ...spec.perJob?.(data, (extra[0] ?? {}) as Extra),
  });
  return {
    ...spec,
    async enqueue(queues, payload, ...extra) {
      const data = spec.schema.parse(payload) as z.infer<S>;
      return (await queues[spec.queue].add(spec.name, data, optionsFor(data, extra))) as Job<z.infer<S>>;
    },
    async enqueueMany(queues, payloads, ...extra) {
      const jobs = payloads.map((payload) => {
        const data = spec.schema.parse(payload) as z.infer<S>;
        return { name: spec.name, data, opts: optionsFor(data, extra) };
      });
      return (await queues[spec.queue].addBulk(jobs)) as Job<z.infer<S>>[];
    },
    async schedule(queues, schedulerId, repeat, payload) {
      const data = spec.schema.parse(payload) as z.infer<S>;
      const opts = spec.options as JobSchedulerTemplateOptions;
      return queues[spec.queue].upsertJobScheduler(schedulerId, repeat, { name: spec.name, data, opts });
    },
  };
}
