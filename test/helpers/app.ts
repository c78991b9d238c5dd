// Builds an app on an in-memory database with a manual clock and a silent logger; `req` talks to it without a port.
import { type App, type Deps, type Services, composeServices, createApp } from '../../src/app.ts'
import type { ServerConfig } from '../../src/config/data-dir.ts'
import { type Config, defaults } from '../../src/config/settings.ts'
import { type Logger, silentLogger } from '../../src/http/logger.ts'
import { ManualClock } from '../../src/lib/clock.ts'
import { testDatabase } from './db.ts'
import { createMetrics } from '../../src/ops/metrics.ts'

export const TEST_SECRET = 'test-secret-key-that-is-long-enough-0123456789'

export interface TestApp {
  app: App
  /** The app's deps and the services it composed from them (the same instances its routes use). */
  deps: Services
  clock: ManualClock
  /** Sends a request to `path` on http://localhost; a plain-object `json` becomes a JSON body. */
  req(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>
}

export function testConfig(overrides: Partial<Config> = {}): ServerConfig {
  return {
    ...defaults(),
    // Cheap hashes keep the suite fast; tests about hash parameters set their own.
    argon2MemoryCost: 1024,
    argon2TimeCost: 1,
    accessLog: false,
    // Off unless a test sets them (test/auth/throttle*.test.ts): under the ManualClock every request of a
    // test falls in one window, so a file's many logins would hit the production limits.
    accountRateLimits: [],
    ...overrides,
    dataDir: ':memory:',
    secretKey: overrides.secretKey ?? TEST_SECRET,
  }
}

/** `dbPath`: a database file instead of memory, e.g. for two apps sharing one file like two processes. */
/** `extraDeps`: options a feature reads from deps besides Deps (e.g. social login's provider timeout). */
export function makeTestApp(
  overrides: Partial<Config> = {},
  opts: { log?: Logger; clock?: ManualClock; dbPath?: string; extraDeps?: Record<string, unknown> } = {},
): TestApp {
  const clock = opts.clock ?? new ManualClock(Date.now())
  const config = testConfig(overrides)
  const db = testDatabase({ clock, path: opts.dbPath })
  const metrics = config.metricsEnabled ? createMetrics(db) : undefined
  const deps: Deps = { ...opts.extraDeps, config, db, clock, log: opts.log ?? silentLogger, metrics }
  const services = composeServices(deps)
  const app = createApp(deps, services)
  return {
    app,
    deps: services,
    clock,
    req(path, init = {}) {
      const { json, ...rest } = init
      const headers = new Headers(rest.headers)
      let body = rest.body
      if (json !== undefined) {
        headers.set('content-type', 'application/json')
        body = JSON.stringify(json)
      }
      return app.handle(new Request(`http://localhost${path}`, { ...rest, headers, body }))
    },
  }
}
