// GET /metrics (API.md §12): off by default, optional bearer token, and the series move as requests are
// made. The exposition is read with a Prometheus text-format parser, as a scraper would.
import { describe, expect, it } from 'bun:test'
// @ts-expect-error: the parser ships no type declarations; its output is typed below.
import parsePrometheusTextFormat from 'parse-prometheus-text-format'
import type { Config } from '../../src/config/settings.ts'
import { createOutboxRepo } from '../../src/mail/outbox.repo.ts'
import { makeTestApp, type TestApp } from '../helpers/app.ts'
import { bearer, createUser, login, PASSWORD, setCookies } from '../auth/helpers.ts'

interface Sample {
  value?: string
  labels?: Record<string, string>
  buckets?: Record<string, string>
  count?: string
  sum?: string
}
interface Family {
  name: string
  type: string
  metrics: Sample[]
}

async function scrape(t: TestApp, headers: Record<string, string> = {}): Promise<Map<string, Family>> {
  const res = await t.req('/metrics', { headers })
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toContain('text/plain')
  const families = parsePrometheusTextFormat(await res.text()) as Family[]
  return new Map(families.map((f) => [f.name, f]))
}

const matches = (s: Sample, labels: Record<string, string>) => Object.entries(labels).every(([k, v]) => s.labels?.[k] === v)

/** The value of a counter or gauge sample (0 when the series does not exist yet). */
function value(m: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  const sample = m.get(name)?.metrics.find((s) => matches(s, labels))
  return sample ? Number(sample.value) : 0
}

/**
 * A histogram series' observation count (0 when absent). Read from the registry: parse-prometheus-text-format
 * 1.1.1 folds the buckets of every labelled series of a histogram into one sample and drops `_count`.
 */
async function count(t: TestApp, name: string, labels: Record<string, string> = {}): Promise<number> {
  const family = (await t.deps.metrics!.registry.getMetricsAsJSON()).find((f) => f.name === name)
  const sample = family?.values.find((v) => (v as { metricName?: string }).metricName === `${name}_count` && Object.entries(labels).every(([k, l]) => String(v.labels[k]) === l))
  return sample ? sample.value : 0
}

const on = (overrides: Partial<Config> = {}) => makeTestApp({ metricsEnabled: true, ...overrides })

describe('/metrics availability', () => {
  it('METRICS_ENABLED defaults to false: /metrics answers 404', async () => {
    const t = makeTestApp()
    const res = await t.req('/metrics')
    expect(res.status).toBe(404)
  })

  it('metrics token is required when set, and compared exactly', async () => {
    const token = 'scrape-token-0123456789'
    const t = on({ metricsToken: token })
    const none = await t.req('/metrics')
    expect(none.status).toBe(401)
    expect(none.headers.get('www-authenticate')).toContain('Bearer')
    expect(await none.json()).toEqual({ detail: 'Authentication credentials were not provided.', code: 'not_authenticated' })
    for (const wrong of [`${token}x`, token.slice(0, -1), token.toUpperCase(), ''])
      expect((await t.req('/metrics', { headers: bearer(wrong) })).status).toBe(401)
    expect((await t.req('/metrics', { headers: bearer(token) })).status).toBe(200)
  })

  it('every §12 series is exposed from the first scrape, with each login outcome registered', async () => {
    const m = await scrape(on())
    for (const name of [
      'authkit_logins_total',
      'authkit_token_refreshes_total',
      'authkit_refresh_token_reuse_detected_total',
      'authkit_password_hash_seconds',
      'authkit_outbox_backlog',
      'authkit_outbox_failing',
      'authkit_database_size_bytes',
      'authkit_http_requests_total',
      'authkit_http_request_duration_seconds',
    ])
      expect({ name, present: m.has(name) }).toEqual({ name, present: true })
    expect(m.get('authkit_logins_total')!.metrics.map((s) => s.labels?.outcome).sort()).toEqual(['failed', 'mfa', 'ok', 'throttled'])
    expect(m.get('authkit_http_request_duration_seconds')!.type).toBe('HISTOGRAM')
  })
})

describe('/metrics series move with traffic', () => {
  it('requests are counted by route template and status, with latencies; raw paths never become labels', async () => {
    const t = on()
    await createUser(t)
    const { access_token } = (await (await login(t)).json()) as { access_token: string }
    for (let i = 0; i < 3; i++) expect((await t.req('/api/auth/user/', { headers: bearer(access_token) })).status).toBe(200)
    expect((await t.req('/api/auth/user/')).status).toBe(401)
    await t.req('/no/such/path/1')
    await t.req('/no/such/path/2?token=secret')
    await t.req('/api/auth/login/', { method: 'POST', body: 'x', headers: { 'content-type': 'text/plain' } }) // 415 in parsing
    const m = await scrape(t)
    const user = { route: '/api/auth/user', method: 'GET' }
    expect(value(m, 'authkit_http_requests_total', { ...user, status: '200' })).toBe(3)
    expect(value(m, 'authkit_http_requests_total', { ...user, status: '401' })).toBe(1)
    expect(await count(t, 'authkit_http_request_duration_seconds', { ...user, status: '200' })).toBe(3)
    expect(value(m, 'authkit_http_requests_total', { route: 'unmatched', status: '404' })).toBe(2)
    expect(value(m, 'authkit_http_requests_total', { route: '/api/auth/login', status: '415' })).toBe(1)
    const routes = new Set(m.get('authkit_http_requests_total')!.metrics.map((s) => s.labels!.route))
    for (const r of routes) expect(r === 'unmatched' || !r!.includes('/no/such')).toBe(true)
  })

  it('a made-up method does not create a series of its own', async () => {
    const t = on()
    // Bun's Request turns an unknown method into GET, so the recorder is called as the server would be.
    t.deps.metrics!.request('BREW', 'unmatched', 404, 0.001)
    const m = await scrape(t)
    expect(value(m, 'authkit_http_requests_total', { method: 'OTHER', route: 'unmatched' })).toBe(1)
    expect(m.get('authkit_http_requests_total')!.metrics.some((s) => s.labels?.method === 'BREW')).toBe(false)
  })

  it('logins by outcome, password hash time, refreshes and reuse detections', async () => {
    const t = on({ accountRateLimits: ['login_failed=3/m/key'] })
    await createUser(t)
    const ok = await login(t)
    expect(ok.status).toBe(200)
    const refresh = setCookies(ok)['auth-refresh-jwt']!
    expect((await login(t, { username: 'alice', password: 'wrong' })).status).toBe(400)
    expect((await login(t, { username: 'alice', password: 'wrong' })).status).toBe(400)
    expect((await login(t, { username: 'alice', password: 'wrong' })).status).toBe(400)
    expect((await login(t, { username: 'alice', password: PASSWORD })).status).toBe(429)

    const rotated = await t.req('/api/auth/token/refresh/', { method: 'POST', json: { refresh } })
    expect(rotated.status).toBe(200)
    t.clock.advance(60_000) // past the reuse grace window
    expect((await t.req('/api/auth/token/refresh/', { method: 'POST', json: { refresh } })).status).toBe(401)

    const m = await scrape(t)
    expect(value(m, 'authkit_logins_total', { outcome: 'ok' })).toBe(1)
    expect(value(m, 'authkit_logins_total', { outcome: 'failed' })).toBe(3)
    expect(value(m, 'authkit_logins_total', { outcome: 'throttled' })).toBe(1)
    expect(value(m, 'authkit_token_refreshes_total')).toBe(1)
    expect(value(m, 'authkit_refresh_token_reuse_detected_total')).toBe(1)
    expect(await count(t, 'authkit_password_hash_seconds', { operation: 'verify' })).toBeGreaterThanOrEqual(4)
  })

  it('outbox backlog and failures, and the database size, are read at each scrape', async () => {
    const t = on()
    const outbox = createOutboxRepo(t.deps.db)
    const before = await scrape(t)
    expect(value(before, 'authkit_outbox_backlog')).toBe(0)
    expect(value(before, 'authkit_database_size_bytes')).toBeGreaterThan(0)
    const a = await outbox.add({ to: 'a@example.com', subject: 's', text: 't', kind: 'test' }, t.clock.now())
    await outbox.add({ to: 'b@example.com', subject: 's', text: 't', kind: 'test' }, t.clock.now())
    await outbox.markFailed(a, 'connection refused', t.clock.now() + 30_000)
    const after = await scrape(t)
    expect(value(after, 'authkit_outbox_backlog')).toBe(2)
    expect(value(after, 'authkit_outbox_failing')).toBe(1)
  })
})
