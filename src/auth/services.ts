// The authentication services of one app (keys, JWT, authenticator, login, refresh), built once by
// createApp and handed to the `auth` macro and the auth routes, so they share one key cache.
import type { UserRow } from '../users/users.repo.ts'
import type { ServerConfig } from '../config/data-dir.ts'
import type { Database } from '../db/engine.ts'
import type { Logger } from '../lib/logger.ts'
import type { Clock } from '../lib/clock.ts'
import type { Metrics } from '../lib/metrics.ts'
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

/** The first step of a second factor (API.md §8.1): answered instead of a session, with no cookies. */
export interface SecondFactorStep {
  readonly ephemeral_token: string
  readonly method: string
  readonly mfa_enabled: true
}

/**
 * Whether a user whose identity is proven must pass a second factor first: its first step, or null.
 * MFA sits above auth, so createApp hands its decision in here instead of auth asking mfa/.
 */
export type SecondFactor = (user: UserRow) => Promise<SecondFactorStep | null>

export function createAuthServices(deps: AuthDeps, opts: { secondFactor?: SecondFactor } = {}) {
  const keys = createKeyStore(deps)
  const jwt = createJwt({ keys, config: deps.config, clock: deps.clock })
  const authenticator = createAuthenticator({ db: deps.db, clock: deps.clock, jwt, authType: deps.config.authType })
  const credentials = createCredentialChecker(deps)
  const issuer = createIssuer({ ...deps, jwt })
  const refresher = createRefresher({ ...deps, jwt, issuer })
  const tokenVerifier = createTokenVerifier({ ...deps, jwt, refresher })
  const secondFactor = opts.secondFactor ?? null
  return { keys, jwt, authenticator, credentials, issuer, refresher, tokenVerifier, secondFactor }
}

export type AuthServices = ReturnType<typeof createAuthServices>

/** What the auth plugins and routes of one app are built from: its deps and the services createApp made once. */
export interface WithAuth extends AuthDeps {
  readonly auth: AuthServices
  /** This app's own: Elysia dedups plugins by name + seed, so two apps in one process keep their own plugins. */
  readonly seed: string
}
