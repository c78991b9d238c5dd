// Refresh-token rotation with reuse detection. Each refresh token is single-use: using it issues a new
// pair and marks it rotated. A rotated token presented again within REFRESH_TOKEN_REUSE_INTERVAL (two
// tabs refreshing at once) gets the current pair of its chain; after that it is treated as stolen and
// the whole session is revoked, which kills every access and refresh token of that login.
import type { Config } from '../config/settings.ts'
import type { Database } from '../db/open.ts'
import type { Logger } from '../http/logger.ts'
import type { Clock } from '../lib/clock.ts'
import { randomToken } from '../lib/crypto.ts'
import { tokenNotValid } from './errors.ts'
import type { Issuer, JwtPair } from './issue.ts'
import { type Jwt, type TokenClaims, TokenRejected } from './jwt.ts'
import { createRefreshRepo, type RefreshRow } from './refresh.repo.ts'
import { createSessionsRepo } from './sessions.repo.ts'

type RefreshConfig = Pick<Config, 'refreshTokenLifetime' | 'rotateRefreshTokens' | 'refreshTokenReuseInterval'>

type Outcome =
  | { kind: 'invalid' }
  | { kind: 'reuse' }
  | { kind: 'same' }
  | { kind: 'issued'; row: RefreshRow }

/** Longest chain of rotations followed to find the current token in the grace window. */
const MAX_CHAIN = 32

export function createRefresher(deps: {
  db: Database
  config: RefreshConfig
  clock: Clock
  jwt: Jwt
  issuer: Issuer
  log?: Logger
}) {
  const { db, config, clock, jwt, issuer } = deps
  const sessions = createSessionsRepo(db)
  const tokens = createRefreshRepo(db)

  /** Whether this refresh token's session is live and the token is its current one (no side effects). */
  function isCurrent(claims: TokenClaims, now: number): boolean {
    const row = tokens.byJti(claims.jti)
    if (!row || row.session_id !== claims.sid || row.rotated_at !== null) return false
    const live = sessions.liveById(row.session_id, now)
    return live !== null && String(live.user.id) === claims.sub
  }

  // Synchronous and run as an IMMEDIATE transaction: two concurrent refreshes (even from two
  // processes) cannot both rotate the same token.
  const decide = db.transaction((claims: TokenClaims, now: number): Outcome => {
    const row = tokens.byJti(claims.jti)
    if (!row || row.session_id !== claims.sid) return { kind: 'invalid' }
    const live = sessions.liveById(row.session_id, now)
    if (!live || String(live.user.id) !== claims.sub) return { kind: 'invalid' }

    if (row.rotated_at === null) {
      if (!config.rotateRefreshTokens) return { kind: 'same' }
      const next: RefreshRow = {
        jti: randomToken(16),
        session_id: row.session_id,
        issued_at: now,
        expires_at: now + config.refreshTokenLifetime * 1000,
        rotated_at: null,
        replaced_by: null,
      }
      if (!tokens.markRotated(row.jti, now, next.jti)) return { kind: 'invalid' }
      tokens.insert({ jti: next.jti, sessionId: next.session_id, issuedAt: next.issued_at, expiresAt: next.expires_at })
      sessions.extend(row.session_id, next.expires_at)
      tokens.pruneExpired(row.session_id, now)
      return { kind: 'issued', row: next }
    }

    if (now - row.rotated_at <= config.refreshTokenReuseInterval * 1000) {
      let tip = row
      for (let i = 0; i < MAX_CHAIN && tip.replaced_by; i++) {
        const next = tokens.byJti(tip.replaced_by)
        if (!next) break
        tip = next
      }
      if (tip.rotated_at !== null || tip.expires_at <= now) return { kind: 'invalid' }
      return { kind: 'issued', row: tip }
    }

    sessions.revoke(row.session_id, now, 'refresh_reuse')
    return { kind: 'reuse' }
  })

  return {
    /** Checks a refresh JWT's signature, type and expiry; 401 token_not_valid otherwise. */
    async verify(token: string): Promise<TokenClaims> {
      try {
        return await jwt.verify(token, 'refresh')
      } catch (e) {
        if (e instanceof TokenRejected) throw tokenNotValid(e.message)
        throw e
      }
    },

    isCurrent: (claims: TokenClaims) => isCurrent(claims, clock.now()),

    /** Uses a verified refresh token: a new access token and (with rotation) a new refresh token. */
    async refresh(token: string, claims: TokenClaims): Promise<JwtPair & { sessionId: string }> {
      const now = clock.now()
      const outcome = decide.immediate(claims, now)
      if (outcome.kind === 'reuse') {
        // Someone replayed a used refresh token: either a thief or the victim is now locked out of this login.
        deps.log?.warn(`refresh token reuse detected for user ${claims.sub}: session revoked`)
      }
      if (outcome.kind === 'invalid' || outcome.kind === 'reuse') throw tokenNotValid('Token is invalid')
      const userId = Number(claims.sub)
      if (outcome.kind === 'same') {
        const access = await issuer.accessToken(userId, claims.sid, now)
        return { sessionId: claims.sid, access: access.token, accessExpiresAt: access.expiresAt, refresh: token, refreshExpiresAt: claims.exp * 1000 }
      }
      const { row } = outcome
      // Re-signing a recorded token gives the same claims (and, with EdDSA/HS256, the same string),
      // so both tabs of a concurrent refresh end up holding the current token of the chain.
      const pair = await issuer.pair(userId, row.session_id, now, { jti: row.jti, issuedAt: row.issued_at, expiresAt: row.expires_at })
      return { sessionId: claims.sid, ...pair }
    },
  }
}

export type Refresher = ReturnType<typeof createRefresher>
