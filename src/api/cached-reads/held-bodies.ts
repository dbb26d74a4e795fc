import type { StoredBody } from '../../cache/response-cache.js';

/** A cached entry as stored in Redis, held by this process: its header line, expiry and body. */
export interface HeldBody {
  /** The entry's first line, `<expiresAt ms> <etag>\n`, which the script compares with what Redis holds. */
  header: string;
  expiresAt: number;
  body: StoredBody;
}

/**
 * Copies of the cached bodies this api last served, by request line, so that a read whose body has not changed
 * since gets from Redis a 1 instead of the body again: an overview is ~150 KB, and moving it out of Redis and
 * through the client's parser on every read cost more than everything else a cached read does. Redis stays the
 * authority: a copy is only ever served after the script has found the stored entry starting with its header
 * (same expiry, same ETag, so the same bytes). Bounded by `maxBytes`; the oldest copies go first.
 */
export class HeldBodies {
  private readonly held = new Map<string, HeldBody>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  get(line: string): HeldBody | undefined {
    return this.held.get(line);
  }

  /** Keeps the entry Redis just sent for `line`, copied out of the reply's buffer so nothing larger is retained. */
  keep(line: string, entry: Buffer, headerEnd: number, body: StoredBody, expiresAt: number): HeldBody {
    const copy = Buffer.from(body.bytes);
    const held: HeldBody = { header: entry.toString('latin1', 0, headerEnd + 1), expiresAt, body: { etag: body.etag, bytes: copy } };
    this.drop(line);
    if (copy.length > this.maxBytes) return held;
    while (this.bytes + copy.length > this.maxBytes) {
      const oldest = this.held.keys().next();
      if (oldest.done) break;
      this.drop(oldest.value);
    }
    this.held.set(line, held);
    this.bytes += copy.length;
    return held;
  }

  drop(line: string): void {
    const held = this.held.get(line);
    if (!held) return;
    this.held.delete(line);
    this.bytes -= held.body.bytes.length;
  }

  /** Bytes held, for tests and the metric. */
  size(): number {
    return this.bytes;
  }
}
