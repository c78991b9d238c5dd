// The Prometheus series of API.md §12 (prom-client), one registry per app: requests by route and status
// with latencies, logins by outcome, refreshes and reuse detections, hash time, outbox, database size.
// Built only with METRICS_ENABLED; everything that records takes it (the Metrics of lib/metrics.ts) as an
// optional dependency.
import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import { onHashTimed } from '../users/passwords.ts'
import type { Database } from '../db/open.ts'
import type { LoginOutcome, Metrics } from '../lib/metrics.ts'
import { createMetricsRepo } from './metrics.repo.ts'

const LOGIN_OUTCOMES: readonly LoginOutcome[] = ['ok', 'failed', 'throttled', 'mfa']

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])

export function createMetrics(db: Database): Metrics {
  const registry = new Registry()
  const repo = createMetricsRepo(db)
  const requests = new Counter({
    name: 'authkit_http_requests_total',
    help: 'HTTP requests answered, by method, route template and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  })
  const latency = new Histogram({
    name: 'authkit_http_request_duration_seconds',
    help: 'Time from request to response, by method, route template and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  })
  const logins = new Counter({
    name: 'authkit_logins_total',
    help: 'Login attempts by outcome: ok, failed (credentials or account state), throttled, mfa (second step asked).',
    labelNames: ['outcome'] as const,
    registers: [registry],
  })
  for (const outcome of LOGIN_OUTCOMES) logins.inc({ outcome }, 0) // every outcome is a series from the start
  const refreshes = new Counter({ name: 'authkit_token_refreshes_total', help: 'Successful token refreshes.', registers: [registry] })
  const reuse = new Counter({
    name: 'authkit_refresh_token_reuse_detected_total',
    help: 'Replayed refresh tokens (the session was revoked).',
    registers: [registry],
  })
  const hashTime = new Histogram({
    name: 'authkit_password_hash_seconds',
    help: 'Time of one argon2id operation (hash or verify), not counting the wait for a hashing slot.',
    labelNames: ['operation'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2],
    registers: [registry],
  })
  onHashTimed((operation, seconds) => hashTime.observe({ operation }, seconds))
  new Gauge({
    name: 'authkit_outbox_backlog',
    help: 'E-mails in the outbox not sent yet.',
    registers: [registry],
    async collect() {
      this.set((await repo.outbox()).backlog)
    },
  })
  new Gauge({
    name: 'authkit_outbox_failing',
    help: 'Unsent e-mails whose last delivery attempt failed.',
    registers: [registry],
    async collect() {
      this.set((await repo.outbox()).failing)
    },
  })
  new Gauge({
    name: 'authkit_database_size_bytes',
    help: 'Size of the database (SQLite: its file without the WAL).',
    registers: [registry],
    async collect() {
      this.set(await repo.databaseBytes())
    },
  })

  // One child per (method, route, status), found by a string key: prom-client would otherwise hash a
  // labels object on every request.
  const children = new Map<string, { count: Counter.Internal; time: Histogram.Internal<'method' | 'route' | 'status'> }>()
  return {
    registry,
    request(method, route, status, seconds) {
      const m = METHODS.has(method) ? method : 'OTHER' // a client's made-up method must not create series
      const key = `${m} ${status} ${route}`
      let child = children.get(key)
      if (!child) {
        const labels = { method: m, route, status: String(status) }
        child = { count: requests.labels(labels), time: latency.labels(labels) }
        children.set(key, child)
      }
      child.count.inc()
      child.time.observe(seconds)
    },
    login: (outcome) => logins.inc({ outcome }),
    refreshed: () => refreshes.inc(),
    refreshReuse: () => reuse.inc(),
  }
}
