// createApp(deps): the whole HTTP surface, composed from feature plugins. `main` serves it; tests call app.handle.
import { Elysia } from 'elysia'
import pkg from '../package.json' with { type: 'json' }
import { authRoutes } from './auth/routes/index.ts'
import { createAuthServices } from './auth/services.ts'
import { accountsRoutes } from './accounts/routes.ts'
import { docsPlugin } from './docs/index.ts'
import { SECURITY_HEADERS, httpConventions } from './http/conventions.ts'
import { corsPlugin } from './http/cors.ts'
import { healthRoutes } from './http/health.ts'
import { hostGuard } from './http/hosts.ts'
import { rootRoute } from './http/root.ts'
import { httpMetrics } from './http/metrics.ts'
import { routeMethods } from './http/routes.ts'
import { socialRoutes } from './social/routes.ts'
import { createMfa } from './mfa/mfa.ts'
import { mfaRoutes } from './mfa/routes.ts'
import { passkeysRoutes } from './passkeys/passkeys.routes.ts'
import { createPasskeysRepo } from './passkeys/passkeys.repo.ts'
import { createSocialRepo } from './social/social.repo.ts'
import { countSignInWays } from './users/sign-in-ways.ts'
import { uiPlugin } from './ui/plugin.tsx'
import type { Deps } from './deps.ts'

export type { Deps }

/**
 * Every service of one app, built once from its deps: the plugins and routes of that app share them (one
 * key cache, one MFA service). MFA sits above auth, so auth gets MFA's sign-in decision handed in here.
 */
export function composeServices(deps: Deps) {
  const mfa = createMfa(deps)
  const auth = createAuthServices(deps, { secondFactor: (user) => mfa.challenge(user) })
  // This app's own seed: Elysia dedups plugins by name + seed, and two apps in one process (tests, tools)
  // must not share plugins built from different services.
  const seed = crypto.randomUUID()
  // Every feature that adds a way to sign in counts its own; the last way cannot be removed (API.md §8.2).
  const signInWays = countSignInWays([
    (db, userId) => createSocialRepo(db).countOf(userId),
    (db, userId) => createPasskeysRepo(db).countByUser(userId),
  ])
  return { ...deps, auth, mfa, seed, signInWays }
}

/** The deps and the services composed from them: what each feature plugin is built from. */
export type Services = ReturnType<typeof composeServices>

export function createApp(deps: Deps, services: Services = composeServices(deps)) {
  // Filled once the app exists: 405 answers need the full route table.
  const table: { routes: readonly { method: string; path: string }[] } = { routes: [] }
  // standardHostname: false -> Elysia finds the path from the first '/' after "http://" instead of
  // after character 11, which assumed a Host of 4+ characters: `GET /zz/api/auth/user/` with `Host: x`
  // was routed as /api/auth/user/ (docs/upstream/elysia-path-slicing.md). authkit serves plain HTTP
  // (TLS ends at a proxy), so request.url always starts with "http://"; an https:// URL handed to
  // app.handle would not route.
  const metrics = httpMetrics(deps) // null unless METRICS_ENABLED: then nothing is added to the request path
  const app = new Elysia({ name: 'authkit', handler: { standardHostname: false } })
    .headers(SECURITY_HEADERS)
    .use(metrics?.hooks ?? new Elysia({ name: 'authkit-metrics-off' }))
    .use(hostGuard(deps.config))
    .use(
      httpConventions({
        maxBodySize: deps.config.dataUploadMaxMemorySize,
        log: deps.log,
        allowedMethods: (path) => routeMethods(table.routes, path),
        languageCode: deps.config.languageCode,
      }),
    )
    .use(corsPlugin(deps.config))
    .use(healthRoutes(deps))
    .use(rootRoute({ siteName: deps.config.siteName, version: pkg.version, debug: deps.config.debug }))
    .use(metrics?.routes ?? new Elysia({ name: 'authkit-metrics-off' }))
    .use(authRoutes(services))
    .use(docsPlugin(deps))
    .use(accountsRoutes(services))
    .use(socialRoutes(services))
    .use(mfaRoutes(services))
    .use(deps.config.usePasskeys ? passkeysRoutes(services) : new Elysia({ name: 'passkeys-off' }))
    .use(uiPlugin(services))
  // Feature plugins join here, each a `new Elysia({ name, prefix })` built from `services`.
  table.routes = app.routes
  metrics?.instrument(app)
  return app
}

export type App = ReturnType<typeof createApp>
