import type { QuotaGate } from '../upstream/blizzard/quota.js';

/**
 * Battle.net counts a request in the wall-clock second it arrives, and a request admitted in the last few
 * milliseconds of a second (by the gate's count) routinely arrives in the next one, on top of that second's
 * full budget: network jitter, a busy event loop, or the upstream's own parsing put it there. So no request
 * is let through to the gate in the last `edgeMs` of a second; it waits for the next second instead.
 * The per-second budget is unchanged, it is only spent within the first (1000 - edgeMs) ms.
 */
export class SecondEdgeGuard implements QuotaGate {
  constructor(
    private readonly inner: QuotaGate,
    private readonly edgeMs = 50,
  ) {}

  async acquire(): Promise<void> {
    const intoSecond = Date.now() % 1000;
    if (intoSecond >= 1000 - this.edgeMs) await new Promise((resolve) => setTimeout(resolve, 1000 - intoSecond + 1));
    await this.inner.acquire();
  }

  block(ms: number): Promise<void> {
    return this.inner.block(ms);
  }
}
