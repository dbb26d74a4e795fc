import { ConfigError, loadConfig, processEnv } from '../config.js';
import { onStopSignals } from '../stop-signals.js';
import { runChild, stopChildren, type Child } from './children.js';

/**
 * `npm start`: what a production host runs, the api and the worker as two processes of the compiled build
 * (`npm run build` first; the Dockerfiles run the same files, one process per container). Nothing is filled
 * in: the configuration is production's, checked here once so a mistake is one message, not two. Schema
 * migrations are a step of their own before it (`npm run migrate:prod`), as in docker-compose.yml. When one
 * process exits the other is stopped and `npm start` exits non-zero, so a supervisor restarts the pair.
 */
const env = processEnv();
try {
  loadConfig(env, 'api');
  loadConfig(env, 'worker');
} catch (err) {
  process.stderr.write(`${err instanceof ConfigError ? err.message : String(err)}\n`);
  process.exit(1);
}

/** A process that does not stop within this long after SIGTERM is killed (the worker finishes the jobs it holds). */
const STOP_GRACE_MS = 60_000;
let stopping = false;

async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  const outcomes = await stopChildren(children, STOP_GRACE_MS);
  process.exit(outcomes.every((o) => o.status === 0) ? code : 1);
}

const onExit = (name: string) => (status: number | string) => {
  if (stopping) return;
  process.stderr.write(`${name} exited (${status}); stopping the other process\n`);
  void stop(1);
};
const children: Child[] = [runChild('api', 'api/main', env, onExit('api')), runChild('worker', 'worker/main', env, onExit('worker'))];
onStopSignals(() => void stop(0));
