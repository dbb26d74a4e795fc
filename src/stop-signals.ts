/**
 * Calls `stop` on the first SIGTERM or SIGINT and ignores every later one. A process group stopped with
 * `kill -TERM -<pgid>` (or Ctrl-C in a terminal) signals each child directly and through the dev runner's
 * forwarding, so a child sees the signal twice; with `process.once` the second would reach Node's default
 * handler and kill the process halfway through its graceful stop, before "stopped" is logged.
 */
export function onStopSignals(stop: (signal: NodeJS.Signals) => void, onRepeat?: (signal: NodeJS.Signals) => void): void {
  let stopping = false;
  const handle = (signal: NodeJS.Signals) => {
    if (stopping) {
      onRepeat?.(signal);
      return;
    }
    stopping = true;
    stop(signal);
  };
  process.on('SIGTERM', handle);
  process.on('SIGINT', handle);
}
