// What the code that counts sees of the Prometheus series (METRICS_ENABLED): one interface, so auth/ and
// http/ record without depending on ops/, which builds the series (src/ops/metrics.ts).
import type { Registry } from 'prom-client'

export type LoginOutcome = 'ok' | 'failed' | 'throttled' | 'mfa'

/** The label of a request that matched no route: one series for every unknown path, never the path itself. */
export const UNMATCHED_ROUTE = 'unmatched'

export interface Metrics {
  readonly registry: Registry
  /** One answered request; `route` is the route template (or UNMATCHED_ROUTE). */
  request(method: string, route: string, status: number, seconds: number): void
  login(outcome: LoginOutcome): void
  refreshed(): void
  refreshReuse(): void
}
