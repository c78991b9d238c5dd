// The authentication services of one app (keys, JWT, authenticator, login, refresh), built once per
// Deps and shared by the `auth` macro and the auth routes so they use the same key cache.
import type { ServerConfig } from '../config/data-dir.ts'
import type { Database } from '../db/engine.ts'
import type { Logger } from '../lib/logger.ts'
import type { Clock } from '../lib/clock.ts'
import type { Metrics } from '../ops/metrics.ts'
import { createAuthenticator } from './authenticate.ts'
import { createCredentialChecker } from './credentials.ts'
import { createIssuer } from './issue.ts'
import { createJwt } from './jwt.ts'
import { createKeyStore } from './keys.ts'
import { createRefresher } from './refresh.ts'
import { createTokenVerifier } from './token-verify.ts'

export interface AuthDeps {
  readonly config: ServerConfig
  readonly db: Database
  readonly clock: Clock
  /** Where security events (a replayed refresh token) are reported; optional for tools and tests. */
  readonly log?: Logger
  /** Prometheus series (METRICS_ENABLED); absent, nothing is counted. */
  readonly metrics?: Metrics
}

const built = new WeakMap<AuthDeps, ReturnType<typeof build>>()
let instances = 0

function build(deps: AuthDeps) {
  const keys = createKeyStore(deps)
  const jwt = createJwt({ keys, config: deps.config, clock: deps.clock })
  const authenticator = createAuthenticator({ db: deps.db, clock: deps.clock, jwt, authType: deps.config.authType })
  const credentials = createCredentialChecker(deps)
  const issuer = createIssuer({ ...deps, jwt })
  const refresher = createRefresher({ ...deps, jwt, issuer })
  const tokenVerifier = createTokenVerifier({ ...deps, jwt, refresher })
  // Distinguishes plugin instances of different apps: Elysia dedups plugins by name + seed.
  const seed = `auth-${++instances}`
  return { keys, jwt, authenticator, credentials, issuer, refresher, tokenVerifier, seed }
}

export function authServices(deps: AuthDeps) {
  let s = built.get(deps)
  if (!s) {
    s = build(deps)
    built.set(deps, s)
  }
  return s
}

export type AuthServices = ReturnType<typeof authServices>
