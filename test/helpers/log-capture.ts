import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/logger.js';

/**
 * Every line a process logs, kept in memory so a test can search them. In-process servers get a real
 * pino logger writing here (same redaction as production); child processes feed their stdout/stderr in.
 */
export class LogCapture {
  private readonly collected: string[] = [];
  private partial = '';

  /** A pino logger with the production redaction, writing into this capture. */
  logger(level = 'trace', name = 'progress-api'): Logger {
    const sink = new Writable({
      write: (chunk: Buffer | string, _encoding, done) => {
        this.write(chunk);
        done();
      },
    });
    return createLogger({ level, name, destination: sink });
  }

  /** Raw output (possibly several lines, possibly a partial one). */
  write(chunk: Buffer | string): void {
    const text = this.partial + chunk.toString();
    const parts = text.split('\n');
    this.partial = parts.pop() ?? '';
    for (const line of parts) if (line.length > 0) this.collected.push(line);
  }

  lines(): string[] {
    return this.partial ? [...this.collected, this.partial] : [...this.collected];
  }

  /** Lines that are JSON objects, parsed. */
  records(): Array<Record<string, unknown>> {
    const out: Array<Record<string, unknown>> = [];
    for (const line of this.lines()) {
      try {
        const value = JSON.parse(line) as unknown;
        if (value && typeof value === 'object') out.push(value as Record<string, unknown>);
      } catch {
        // not JSON: a stack trace or a runtime warning; still searched by leaksOf
      }
    }
    return out;
  }

  /** Resolves with the first record matching, or rejects after the timeout. */
  async waitFor(predicate: (record: Record<string, unknown>) => boolean, timeoutMs = 10000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.records().find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no log line matched within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  clear(): void {
    this.collected.length = 0;
    this.partial = '';
  }
}

export interface Leak {
  secret: string;
  line: string;
}

/**
 * Every line containing one of the secrets, in plain form or in the forms a logger or URL encoder
 * would turn it into (JSON-escaped, percent-encoded, base64 of a Basic header).
 */
export function leaksOf(lines: string[], secrets: Record<string, string>): Array<Leak & { name: string }> {
  const leaks: Array<Leak & { name: string }> = [];
  for (const [name, secret] of Object.entries(secrets)) {
    if (secret.length < 8) throw new Error(`secret ${name} is too short to search for reliably`);
    const forms = new Set([
      secret,
      JSON.stringify(secret).slice(1, -1),
      encodeURIComponent(secret),
      Buffer.from(secret).toString('base64').replace(/=+$/, ''),
    ]);
    for (const line of lines) {
      for (const form of forms) {
        if (line.includes(form)) {
          leaks.push({ name, secret, line: line.slice(0, 500) });
          break;
        }
      }
    }
  }
  return leaks;
}
