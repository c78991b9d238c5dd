// What the app and its services need from outside, built by `serve` (or a test) and passed down;
// tests swap the clock, the database and the logger.
import type { ServerConfig } from './config/data-dir.ts'
import type { Database } from './db/engine.ts'
import type { Clock } from './lib/clock.ts'
import type { Logger } from './lib/logger.ts'
import type { Metrics } from './lib/metrics.ts'

export interface Deps {
  readonly config: ServerConfig
  readonly db: Database
  readonly clock: Clock
  readonly log: Logger
  /** Prometheus series, present with METRICS_ENABLED (see createMetrics); serves /metrics and times requests. */
  readonly metrics?: Metrics
}
