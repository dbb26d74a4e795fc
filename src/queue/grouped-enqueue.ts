import type { z } from 'zod';
import type { JobKind } from './job-kind.js';
import type { QueueKey, Queues } from './queues.js';

interface Waiting<T> {
  payload: T;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Adds jobs of one kind in groups. One `add` costs the producer about as much CPU as two jobs of an `addBulk`,
 * so jobs asked for while the event loop handles one round of I/O go in one `addBulk` (one pipeline), and jobs
 * asked for while a group is on its way wait for it and form the next group. Each job keeps the options its kind
 * gives it (job id, deduplication key, priority), so a group adds exactly the jobs separate adds would; a caller's
 * promise settles once its group is in Redis, and a group that fails rejects every caller in it.
 */
export class GroupedEnqueue<Q extends QueueKey, N extends string, S extends z.ZodType> {
  private waiting: Array<Waiting<z.input<S>>> = [];
  private sending: Promise<void> | undefined;
  private isScheduled = false;

  constructor(
    private readonly kind: JobKind<Q, N, S, object>,
    private readonly queues: Queues,
  ) {}

  /** Checks the payload at once (a bad one rejects alone) and resolves when its job has been added. */
  enqueue(payload: z.input<S>): Promise<void> {
    const checked = this.kind.schema.safeParse(payload);
    if (!checked.success) return Promise.reject(checked.error);
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ payload, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.isScheduled || this.sending) return;
    this.isScheduled = true;
    // After the current round of I/O callbacks: every refresh finishing in it joins this group.
    setImmediate(() => {
      this.isScheduled = false;
      this.sending = this.send().finally(() => {
        this.sending = undefined;
        if (this.waiting.length > 0) this.schedule();
      });
    });
  }

  private async send(): Promise<void> {
    const group = this.waiting;
    this.waiting = [];
    try {
      await this.kind.enqueueMany(
        this.queues,
        group.map((w) => w.payload),
      );
      for (const w of group) w.resolve();
    } catch (err) {
      for (const w of group) w.reject(err);
    }
  }
}
