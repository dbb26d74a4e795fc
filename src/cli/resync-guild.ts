import { openOrm } from '../db/orm.js';
import { query } from '../db/sql.js';
import { findGuild } from '../db/tables/guilds.js';
import { guildSyncJob } from '../queue/guild-sync.js';
import { closeQueues, createQueueEvents, createQueues, QUEUE_NAMES } from '../queue/queues.js';
import { createRedis } from '../redis.js';
import { CliError, runCli } from './run-cli.js';

const POLL_MS = 1000;
/** Without a change for this long, the operator is told that probably no worker is running. */
const STALL_WARNING_MS = 30_000;

// Queues a sync of a tracked guild and prints how many of its member refreshes are left until none are.
const USAGE = 'npm run resync -- --guild <guild id>';
await runCli({ name: 'resync-guild', usage: USAGE, options: { guild: { type: 'string' } } }, async (config, logger, flags) => {
  if (flags.guild === undefined) throw new CliError(`--guild is required; usage: ${USAGE}`);
  const guildId = Number(flags.guild);
  if (!Number.isInteger(guildId) || guildId <= 0) throw new CliError(`--guild must be a positive whole number, not "${flags.guild}"; usage: ${USAGE}`);

  const orm = await openOrm({ databaseUrl: config.databaseUrl, poolMax: 2, logger });
  const connection = createRedis(config, 'worker');
  const queues = createQueues(connection, config.redisPrefix);
  const events = createQueueEvents(createRedis(config, 'worker'), config.redisPrefix, QUEUE_NAMES.guildSync);
  try {
    const em = orm.em.fork();
    const guild = await findGuild(em, guildId);
    if (!guild) throw new CliError(`guild ${guildId} is not tracked; it is tracked once someone opens it in progress-api`);
    await events.waitUntilReady();
    const startedAt = new Date();
    const job = await guildSyncJob.enqueue(queues, { guild, reason: 'manual' });
    print(`guild ${guild.id} (${guild.name}-${guild.realm}, ${guild.region}): sync queued as job ${job.id}`);
    const result = (await job.waitUntilFinished(events)) as { status: string; members: number; left: number; refreshes: number };
    print(`synced: ${result.members} members, ${result.left} left, ${result.refreshes} refreshes queued`);

    let last = -1;
    let lastChange = Date.now();
    for (;;) {
      // A refresh is done once it has written anything since the sync began: data, not-found or an error.
      const [row] = await query<{ done: string }>(
        em,
        `select count(*) as done from guild_memberships gm join character_progress p on p.character_id = gm.character_id
         where gm.guild_id = ? and gm.left_at is null and (p.fetched_at >= ? or p.last_error_at >= ?)`,
        [guild.id, startedAt, startedAt],
      );
      const remaining = Math.max(0, result.refreshes - Number(row?.done ?? 0));
      const queued = await queues.characterRefresh.getJobCounts('waiting', 'prioritized', 'active', 'delayed');
      const isQueueEmpty = Object.values(queued).every((n) => n === 0);
      if (remaining !== last) {
        print(`${remaining} of ${result.refreshes} refreshes remaining`);
        last = remaining;
        lastChange = Date.now();
      } else if (Date.now() - lastChange > STALL_WARNING_MS) {
        print(`no progress for ${STALL_WARNING_MS / 1000} s: is a worker running against ${config.redisPrefix}?`);
        lastChange = Date.now();
      }
      if (remaining === 0 || isQueueEmpty) break;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    logger.info({ guildId: guild.id, refreshes: result.refreshes }, 'resync finished');
  } finally {
    await events.close();
    await closeQueues(queues);
    connection.disconnect();
    await orm.close(true);
  }
});

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}
