// createApp(deps): the whole HTTP surface, composed from feature plugins. `main` serves it; tests call app.handle.
import { Elysia } from 'elysia'
import { authRoutes } from './auth/routes/index.ts'
import { accountsRoutes } from './accounts/routes.ts'
import type { ServerConfig } from './config/data-dir.ts'
import type { Database } from './db/open.ts'
import { docsPlugin } from './docs/index.ts'
import { SECURITY_HEADERS, httpConventions } from './http/conventions.ts'
import { corsPlugin } from './http/cors.ts'
import { healthRoutes } from './http/health.ts'
import { hostGuard } from './http/hosts.ts'
import type { Logger } from './http/logger.ts'
import { routeMethods } from './http/routes.ts'
import type { Clock } from './lib/clock.ts'
import { passkeysRoutes } from './passkeys/passkeys.routes.ts'
import { uiPlugin } from './ui/plugin.tsx'

/** Everything the app needs from outside; tests swap the clock, the database and the logger. */
export interface Deps {
  readonly config: ServerConfig
  readonly db: Database
  readonly clock: Clock
  readonly log: Logger
}

export function createApp(deps: Deps) {
  // Filled once the app exists: 405 answers need the full route table.
  const table: { routes: readonly { method: string; path: string }[] } = { routes: [] }
  // standardHostname: false -> Elysia finds the path from the first '/' after "http://" instead of
  // after character 11, which assumed a Host of 4+ characters: `GET /zz/api/auth/user/` with `Host: x`
  // was routed as /api/auth/user/ (docs/upstream/elysia-path-slicing.md). authkit serves plain HTTP
  // (TLS ends at a proxy), so request.url always starts with "http://"; an https:// URL handed to
  // app.handle would not route.
  const app = new Elysia({ name: 'authkit', handler: { standardHostname: false } })
    .headers(SECURITY_HEADERS)
    .use(hostGuard(deps.config))
    .use(
      httpConventions({
        maxBodySize: deps.config.dataUploadMaxMemorySize,
        log: deps.log,
        allowedMethods: (path) => routeMethods(table.routes, path),
      }),
    )
    .use(corsPlugin(deps.config))
    .use(healthRoutes(deps))
    .use(authRoutes(deps))
    .use(docsPlugin(deps))
    .use(accountsRoutes(deps))
    .use(deps.config.usePasskeys ? passkeysRoutes(deps) : new Elysia({ name: 'passkeys-off' }))
    .use(uiPlugin(deps))
  // Feature plugins join here, each a `new Elysia({ name, prefix })` built from deps.
  table.routes = app.routes
  return app
}

export type App = ReturnType<typeof createApp>
