/**
 * Concurrent callers asking for the same key share one in-flight promise, so a burst of identical requests
 * in one process costs one guild-api call or one queue round trip instead of one per request.
 */
export class SingleFlight<T> {
  private readonly inFlight = new Map<string, Promise<T>>();

  run(key: string, work: () => Promise<T>): Promise<T> {
    const running = this.inFlight.get(key);
    if (running) return running;
    const started = work().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, started);
    return started;
  }
}
