import type { Job, Queue } from 'bullmq';
import { expect } from 'chai';
import { characterRefreshJob } from '../../../src/queue/character-refresh.js';
import { guildSyncJob } from '../../../src/queue/guild-sync.js';
import type { Queues } from '../../../src/queue/queues.js';
import { JOB_KIND_NAMES, JOBS } from '../../../src/queue/registry.js';
import type { WorkerContext } from '../../../src/worker/context.js';
import { kindsByQueue, queueProcessor } from '../../../src/worker/dispatch.js';
import { PROCESSORS, QUEUE_WORKERS } from '../../../src/worker/processors/index.js';
import { startWorker } from '../../../src/worker/runtime.js';
import { testConfig, testLogger } from '../../helpers/test-env.js';

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

/** Producers that record what would be added, so the checks before Redis can be observed. */
function recordingQueues(): { queues: Queues; added: Array<{ name: string; data: unknown; opts: unknown }> } {
  const added: Array<{ name: string; data: unknown; opts: unknown }> = [];
  const queue = {
    add: async (name: string, data: unknown, opts: unknown) => {
      added.push({ name, data, opts });
      return { id: String(added.length), name, data } as unknown as Job;
    },
  } as unknown as Queue;
  return { queues: { characterRefresh: queue, guildSync: queue, guildComparison: queue, membershipEvents: queue, outbound: queue }, added };
}

describe('job registry', () => {
  it('refuses to start a worker when a job kind has no processor', async () => {
    const { guildComparison: _dropped, ...withoutOne } = PROCESSORS;
    const err = await rejection(startWorker(testConfig({}, 'worker'), testLogger(), { processors: withoutOne, port: 0, schedule: false }));
    expect(err.message).to.equal('no processor for job kind(s): guildComparison');
  });

  it('has a processor for every job kind and worker options for every queue that has kinds', () => {
    expect(Object.keys(PROCESSORS).sort()).to.deep.equal([...JOB_KIND_NAMES].sort());
    expect([...kindsByQueue().keys()].sort()).to.deep.equal(Object.keys(QUEUE_WORKERS).sort());
  });

  it('gives every kind a name of its own within its queue', () => {
    for (const [queue, kinds] of kindsByQueue()) {
      const names = kinds.map((k) => JOBS[k].name);
      expect(new Set(names).size, queue).to.equal(names.length);
    }
  });

  it('knows only the kinds it lists (an unknown kind does not type-check)', () => {
    // @ts-expect-error there is no such job kind
    expect(JOBS.refreshEverything).to.equal(undefined);
  });

  it('checks a payload when it is enqueued, before anything reaches Redis', async () => {
    const { queues, added } = recordingQueues();
    // @ts-expect-error a guild sync names its guild
    const err = await rejection(guildSyncJob.enqueue(queues, { reason: 'manual' }));
    expect(err.name).to.equal('ZodError');
    expect(added).to.deep.equal([]);
  });

  it('adds a character refresh under its kind name with its dedup key, retry policy and priority', async () => {
    const { queues, added } = recordingQueues();
    await characterRefreshJob.enqueue(queues, { region: 'eu', realm: 'argent-dawn', name: 'Thrall' }, { priority: 1 });
    expect(added).to.have.length(1);
    expect(added[0]).to.deep.include({ name: 'refresh', data: { region: 'eu', realm: 'argent-dawn', name: 'Thrall', reason: 'sync' } });
    expect(added[0]?.opts).to.deep.include({ priority: 1, attempts: 5, deduplication: { id: 'char_eu_argent-dawn_thrall' } });
  });

  it('fails a job whose name is no kind of its queue at once, without retries', async () => {
    const run = queueProcessor({} as WorkerContext, ['guildSync', 'syncAllTracked'], PROCESSORS);
    const err = await rejection(run({ name: 'sync-everything', queueName: 'guild-sync', data: {} } as Job));
    expect(err.name).to.equal('UnrecoverableError');
    expect(err.message).to.match(/sync-everything/);
  });
});
