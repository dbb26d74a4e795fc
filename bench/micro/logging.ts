import { pino } from 'pino';
import { createLogger, turnBatched } from '../../src/logger.js';

/*
 * The access-log line the api writes once per request, through the project's logger written one line at a time
 * and gathered per event-loop turn (20 lines a turn, as a loaded api answers), and through a bare pino.
 * Lines go to standard output and figures to standard error, so the destination is the caller's choice:
 *   node --import tsx bench/micro/logging.ts | cat > /dev/null    (a pipe, as under a container runtime)
 *   node --import tsx bench/micro/logging.ts > /tmp/lines.json   (a file)
 */
const out = pino.destination({ dest: 1, sync: true });
const variants: Record<string, pino.Logger> = {
  'line by line': createLogger({ destination: out }),
  'per turn': createLogger({ destination: turnBatched(out) }),
  'bare pino': pino({ timestamp: pino.stdTimeFunctions.isoTime, formatters: { level: (l) => ({ level: l }) } }, out),
};
const cpuUs = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};
const PER_TURN = 20;
const TURNS = 5000;
for (let round = 0; round < 3; round += 1) {
  for (const [name, logger] of Object.entries(variants)) {
    const child = logger.child({ requestId: 'c0a80101-0000-4000-8000-000000000000' });
    const started = cpuUs();
    for (let turn = 0; turn < TURNS; turn += 1) {
      for (let i = 0; i < PER_TURN; i += 1) {
        child.info({ method: 'GET', route: '/guilds/:guild_id/progress/character/:character_name', path: '/guilds/9101/progress/character/Xanoris', status: 200, ms: 1.3, user: 2000 }, 'request');
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    process.stderr.write(`${name.padEnd(13)} ${((cpuUs() - started) / TURNS / PER_TURN).toFixed(1)} µs of CPU a line\n`);
  }
}
