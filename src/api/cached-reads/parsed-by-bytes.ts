/**
 * The last value Redis sent under each key and what was read from it. A cached read gets the same small JSON
 * values (a permission decision, a guild's description) on every request; recognising them by their bytes
 * (a memcmp) keeps JSON parsing off the hot path. At most `max` keys, all dropped when full.
 */
export class ParsedByBytes<T> {
  private readonly seen = new Map<string, { raw: Buffer; value: T }>();

  constructor(
    private readonly parse: (raw: Buffer) => T,
    private readonly max = 10_000,
  ) {}

  of(key: string, raw: Buffer): T {
    const last = this.seen.get(key);
    if (last && last.raw.equals(raw)) return last.value;
    const value = this.parse(raw);
    if (this.seen.size >= this.max) this.seen.clear();
    // A copy: the reply's buffer may be a slice of a much larger one.
    this.seen.set(key, { raw: Buffer.from(raw), value });
    return value;
  }
}
