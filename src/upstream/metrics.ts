/**
 * What the clients report about their upstream traffic. The processes plug prom-client counters in here;
 * the clients themselves never depend on a metrics library.
 */
export interface UpstreamMetrics {
  /** One call per HTTP attempt, labelled with the outcome of that attempt. */
  request(upstream: string, outcome: string): void;
  rateLimited(upstream: string): void;
  quotaRemaining?(upstream: string, remaining: number): void;
}

export const noopMetrics: UpstreamMetrics = {
  request: () => undefined,
  rateLimited: () => undefined,
};
