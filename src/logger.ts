import { createRequire } from 'node:module';
import { pino, type Logger } from 'pino';

/** Keys whose values never reach a log line, at any depth. */
const SENSITIVE_KEYS = [
  'authorization', 'Authorization', 'cookie', 'Cookie', 'set-cookie', 'Set-Cookie',
  'token', 'access_token', 'accessToken', 'refresh_token', 'refreshToken', 'id_token',
  'password', 'secret', 'client_secret', 'clientSecret', 'jwtSecretKey', 'secretKey', 'webhookSecret',
  'x-webhook-signature', 'signature',
];

const SENSITIVE_KEY = new RegExp(`"(?:${SENSITIVE_KEYS.map((k) => k.replace(/[-]/g, '\\-')).join('|')})":`, 'g');

/**
 * Replaces the value of every sensitive key, at any depth, in a finished JSON log line. Working on the line
 * rather than with pino's path-based redaction covers bindings and serializer output alike and costs a
 * regular-expression scan (~1 µs) instead of walking 80 wildcard paths (~200 µs a line).
 * Inside a JSON string a quote is always escaped, so `"key":` can only match a real key.
 */
export function scrubSecrets(line: string): string {
  SENSITIVE_KEY.lastIndex = 0;
  if (!SENSITIVE_KEY.test(line)) return line;
  SENSITIVE_KEY.lastIndex = 0;
  let out = '';
  let from = 0;
  for (let match = SENSITIVE_KEY.exec(line); match; match = SENSITIVE_KEY.exec(line)) {
    const valueStart = match.index + match[0].length;
    const valueEnd = endOfJsonValue(line, valueStart);
    out += `${line.slice(from, valueStart)}"[redacted]"`;
    from = valueEnd;
    SENSITIVE_KEY.lastIndex = valueEnd;
  }
  return out + line.slice(from);
}

/** Index just past the JSON value (string, object, array or scalar) that starts at `i`. */
function endOfJsonValue(s: string, i: number): number {
  let depth = 0;
  let inString = false;
  for (let j = i; j < s.length; j += 1) {
    const c = s[j];
    if (inString) {
      if (c === '\\') j += 1;
      else if (c === '"') {
        inString = false;
        if (depth === 0) return j + 1;
      }
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth += 1;
    else if (c === '}' || c === ']') {
      if (depth === 0) return j;
      depth -= 1;
      if (depth === 0) return j + 1;
    } else if (c === ',' && depth === 0) return j;
  }
  return s.length;
}

export interface LoggerOptions {
  level?: string;
  destination?: pino.DestinationStream;
  name?: string;
  /** `pretty`: human-readable lines through pino-pretty (`npm run dev` only); else one JSON object a line. */
  format?: 'json' | 'pretty';
}

/**
 * pino-pretty as pino's own transport (a worker thread), so it is loaded only when asked for: it is a
 * development dependency and production never asks. Secrets are scrubbed from the JSON line before it is
 * handed over, exactly as for JSON output.
 */
const prettyTransport = (): pino.DestinationStream | undefined => {
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
  } catch {
    // Installed without development dependencies: JSON still works, and the fix is one command.
    process.stderr.write('LOG_FORMAT=pretty needs pino-pretty, a development dependency (npm ci); logging JSON\n');
    return undefined;
  }
  return pino.transport({
    target: 'pino-pretty',
    options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', singleLine: true, destination: 1 },
  });
};

/**
 * Lines gathered for the rest of the event-loop turn that logged them, then written to `out` together. An api
 * answering thousands of requests a second logs one line for each, and each write is a system call: a line cost
 * 5.6–8.2 µs of CPU written alone into a pipe and 3.2–4.6 µs gathered 20 a turn on the benchmark machine
 * (`bench/micro/logging.ts`), so the requests answered in one turn now share one. A line still waits for
 * nothing but the turn to end: `process.exit`, an uncaught exception and a normal end write what is gathered
 * (the `exit` event), and only an outright kill (SIGKILL) can lose the lines of the turn it interrupts, where an
 * asynchronous destination loses whatever its thread pool still holds.
 */
export function turnBatched(out: pino.DestinationStream): pino.DestinationStream {
  let pending = '';
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (pending === '') return;
    const text = pending;
    pending = '';
    out.write(text);
  };
  // Past this point no turn ends: what is gathered goes out now, and any later line (another exit listener's) at once.
  let exiting = false;
  process.on('exit', () => {
    exiting = true;
    flush();
  });
  return {
    write(line: string) {
      if (exiting) {
        out.write(line);
        return;
      }
      pending += line;
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
  };
}

/**
 * Standard output, written synchronously once a turn (see `turnBatched`). pino's default hands each write to
 * libuv's thread pool instead: ~35 µs of CPU a line against ~5 µs for the write itself (measured on the
 * benchmark machine), and a line still in the pool when the process dies is lost. The cost of writing in line:
 * a standard output that stops draining stops the process with it, which is what a log pipe that is read
 * (a container runtime, a terminal, a file) never does. Every logger of the process shares the one batch, so
 * lines keep their order.
 */
let stdoutBatch: pino.DestinationStream | undefined;
const stdoutLines = (): pino.DestinationStream => (stdoutBatch ??= turnBatched(pino.destination({ dest: 1, sync: true })));

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      name: options.name ?? 'progress-api',
      level: options.level ?? 'info',
      hooks: { streamWrite: scrubSecrets },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? (options.format === 'pretty' ? prettyTransport() : undefined) ?? stdoutLines(),
  );
}

export type { Logger };
