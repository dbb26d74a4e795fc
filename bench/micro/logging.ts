import { pino } from 'pino';
import { createLogger } from '../../src/logger.js';

// The access-log line the api writes once per request, through the project's logger and through a bare pino.
const dest = pino.destination({ dest: '/dev/null', sync: true });
const variants: Record<string, pino.Logger> = {
  project: createLogger({ destination: dest }),
  bare: pino({ timestamp: pino.stdTimeFunctions.isoTime, formatters: { level: (l) => ({ level: l }) } }, dest),
};
for (let round = 0; round < 2; round += 1) {
  for (const [name, logger] of Object.entries(variants)) {
    const child = logger.child({ requestId: 'c0a80101-0000-4000-8000-000000000000' });
    const n = 50_000;
    const started = process.hrtime.bigint();
    for (let i = 0; i < n; i += 1) {
      child.info({ method: 'GET', route: '/guilds/:guild_id/progress/character/:character_name', path: '/guilds/9101/progress/character/Xanoris', status: 200, ms: 1.3, user: 2000 }, 'request');
    }
    process.stdout.write(`${name.padEnd(8)} ${(Number(process.hrtime.bigint() - started) / n / 1000).toFixed(1)} µs/line\n`);
  }
}
