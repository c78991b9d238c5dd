// Refresh-token rotation with reuse detection. Each refresh token is single-use: using it issues a new
// pair and marks it rotated. A rotated token presented again within REFRESH_TOKEN_REUSE_INTERVAL (two
// tabs refreshing at once) gets the current pair of its chain; after that it is treated as stolen and
// the whole session is revoked, which kills every access and refresh token of that login.
import { record as recordAudit } from '../audit/audit.ts'
import type { Config } from '../config/settings.ts'
import type { Database, Db } from '../db/engine.ts'
import type { Logger } from '../lib/logger.ts'
import type { Metrics } from '../lib/metrics.ts'
import type { Clock } from '../lib/clock.ts'
import { safeEqual, sha256 } from '../lib/crypto.ts'
import { tokenNotValid, verifiedOr401 } from './errors.ts'
import { type Issuer, type JwtPair, refreshJti } from './issue.ts'
import type { Jwt, TokenClaims } from './jwt.ts'
import { createRefreshRepo, type RefreshRepo, type RefreshRow } from './refresh.repo.ts'
import { createSessionsRepo, type SessionsRepo } from './sessions.repo.ts'

type RefreshConfig = Pick<Config, 'refreshTokenLifetime' | 'rotateRefreshTokens' | 'refreshTokenReuseInterval'>

/** The next refresh token of a chain (with its access token), signed before the transaction that records it. */
interface Successor {
  jti: string
  issuedAt: number
  expiresAt: number
  pair: JwtPair
}

type Outcome =
  | { kind: 'invalid' }
  | { kind: 'reuse' }
  | { kind: 'same' }
  | { kind: 'rotated'; pair: JwtPair }
  | { kind: 'current'; row: RefreshRow }

/** Longest chain of rotations followed to find the current token in the grace window. */
const MAX_CHAIN = 32

/**
 * The writes that follow a rotation, independent of each other: the successor's row, the session's
 * expiry moved with it, and the session's expired rows pruned. Returned unawaited, so PostgreSQL gets them
 * in one pipelined round trip; on SQLite they have run already.
 */
function recordSuccessor(tokens: RefreshRepo, sessions: SessionsRepo, sessionId: string, next: Successor, now: number) {
  const { jti, issuedAt, expiresAt } = next
  return [
    tokens.insert({ jti, sessionId, issuedAt, expiresAt, tokenHash: sha256(next.pair.refresh) }),
    sessions.extend(sessionId, expiresAt),
    tokens.pruneExpired(sessionId, now),
  ]
}

export function createRefresher(deps: {
  db: Database
  config: RefreshConfig
  clock: Clock
  jwt: Jwt
  issuer: Issuer
  log?: Logger
  metrics?: Pick<Metrics, 'refreshed' | 'refreshReuse'>
}) {
  const { db, config, clock, jwt, issuer } = deps
  const sessions = createSessionsRepo(db)
  const tokens = createRefreshRepo(db)

  /** Whether `token` is byte for byte the refresh token recorded for its jti (then we signed it). */
  const recorded = async (token: string, payload: Record<string, unknown>): Promise<boolean> => {
    if (typeof payload.jti !== 'string') return false
    const hash = (await tokens.byJti(payload.jti))?.token_hash
    return hash != null && safeEqual(hash, sha256(token))
  }

  /** Whether this refresh token's session is live and the token is its current one (no side effects). */
  async function isCurrent(claims: TokenClaims, now: number): Promise<boolean> {
    const row = await tokens.byJti(claims.jti)
    if (!row || row.session_id !== claims.sid || row.rotated_at !== null) return false
    return (await sessions.liveFor(row.session_id, claims.sub, now)) !== null
  }

  // Inside a write transaction (on SQLite shared with the other refreshes of this turn of the event loop:
  // see sqlite.ts): two concurrent refreshes, even from two processes or instances, cannot both rotate
  // the same token. SQLite's write lock serialises them outright. On PostgreSQL both may read the row
  // unrotated; the rotation is a conditional UPDATE, so the second waits for the first's row lock, changes
  // nothing, and reads the row again as the first committed it: rotated just now, so inside the grace
  // window, and answered with the current token of the chain. `next` is the successor, already signed
  // (signing is async and must not happen inside the transaction); null when rotation is off.
  const decide = db.groupCommit(async (tx: Db, claims: TokenClaims, now: number, next: Successor | null): Promise<Outcome> => {
    const tokens = tx.use(createRefreshRepo)
    const sessions = tx.use(createSessionsRepo)
    let row = await tokens.byJti(claims.jti)
    if (!row || row.session_id !== claims.sid) return { kind: 'invalid' }
    if (!(await sessions.liveFor(row.session_id, claims.sub, now))) return { kind: 'invalid' }

    if (row.rotated_at === null) {
      if (!next) return { kind: 'same' }
      if (await tokens.markRotated(row.jti, now, next.jti)) {
        await Promise.all(recordSuccessor(tokens, sessions, row.session_id, next, now))
        return { kind: 'rotated', pair: next.pair }
      }
      row = await tokens.byJti(claims.jti) // another instance rotated it between our read and our update
      if (!row || row.rotated_at === null) return { kind: 'invalid' }
    }

    if (now - row.rotated_at <= config.refreshTokenReuseInterval * 1000) {
      let tip = row
      for (let i = 0; i < MAX_CHAIN && tip.replaced_by; i++) {
        const following = await tokens.byJti(tip.replaced_by)
        if (!following) break
        tip = following
      }
      if (tip.rotated_at !== null || tip.expires_at <= now) return { kind: 'invalid' }
      return { kind: 'current', row: tip }
    }

    await sessions.revoke(row.session_id, now, 'refresh_reuse')
    await recordAudit(tx, { event: 'refresh_reuse_detected', at: now, userId: Number(claims.sub), sessionId: row.session_id })
    return { kind: 'reuse' }
  })

  /**
   * The usual case, tried before `decide`: the token is unrotated and its session live and the JWT's user's,
   * so it is rotated and its successor recorded; false (nothing written) sends the refresh to `decide`. On
   * PostgreSQL that is one atomic statement, so it needs no transaction and its round trips; on SQLite it is
   * four statements in the group-committed transaction (in-process calls, the commit shared).
   */
  const rotateUsual: (claims: TokenClaims, userId: number, now: number, next: Successor) => Promise<boolean> =
    db.engine === 'postgres'
      ? async (claims, userId, now, next) =>
          tokens.rotateAtOnce({
            jti: claims.jti,
            sessionId: claims.sid,
            userId,
            now,
            next: next.jti,
            issuedAt: next.issuedAt,
            expiresAt: next.expiresAt,
            tokenHash: sha256(next.pair.refresh),
          })
      : db.groupCommit(async (tx: Db, claims: TokenClaims, userId: number, now: number, next: Successor) => {
          const t = tx.use(createRefreshRepo)
          if (!(await t.rotateIfLive({ jti: claims.jti, sessionId: claims.sid, userId, now, next: next.jti }))) return false
          await Promise.all(recordSuccessor(t, tx.use(createSessionsRepo), claims.sid, next, now))
          return true
        })

  return {
    /**
     * Checks a refresh JWT's signature, type and expiry; 401 token_not_valid otherwise. The signature of
     * a token exactly as recorded at issue is not recomputed (see migration 0006).
     */
    async verify(token: string): Promise<TokenClaims> {
      return verifiedOr401(jwt.verify(token, 'refresh', recorded), { withReason: true })
    },

    isCurrent: (claims: TokenClaims) => isCurrent(claims, clock.now()),

    /** Uses a verified refresh token: a new access token and (with rotation) a new refresh token. */
    async refresh(token: string, claims: TokenClaims): Promise<JwtPair & { sessionId: string }> {
      const now = clock.now()
      const userId = Number(claims.sub)
      // Sign the successor first, then decide and record it in one synchronous transaction. If the
      // token turns out to be used up or revoked, the two signatures are thrown away.
      let next: Successor | null = null
      if (config.rotateRefreshTokens) {
        const t = { jti: refreshJti(now), issuedAt: now, expiresAt: now + config.refreshTokenLifetime * 1000 }
        next = { ...t, pair: await issuer.pair(userId, claims.sid, now, t) }
      }
      if (next && Number.isSafeInteger(userId) && (await rotateUsual(claims, userId, now, next))) {
        deps.metrics?.refreshed()
        return { sessionId: claims.sid, ...next.pair }
      }
      const outcome = await decide(claims, now, next)
      if (outcome.kind === 'reuse') deps.metrics?.refreshReuse()
      else if (outcome.kind !== 'invalid') deps.metrics?.refreshed()
      switch (outcome.kind) {
        case 'reuse':
          // Someone replayed a used refresh token: either a thief or the victim is now locked out of this login.
          deps.log?.warn(`refresh token reuse detected for user ${claims.sub}: session revoked`)
          throw tokenNotValid('Token is invalid')
        case 'invalid':
          throw tokenNotValid('Token is invalid')
        case 'rotated':
          return { sessionId: claims.sid, ...outcome.pair }
        case 'current': {
          // Re-signing a recorded token gives the same claims (and, with EdDSA/HS256/RS256, the same
          // string), so both tabs of a concurrent refresh end up holding the current token of the chain.
          const { row } = outcome
          const pair = await issuer.pair(userId, row.session_id, now, { jti: row.jti, issuedAt: row.issued_at, expiresAt: row.expires_at })
          return { sessionId: claims.sid, ...pair }
        }
        case 'same': {
          const access = await issuer.accessToken(userId, claims.sid, now)
          return { sessionId: claims.sid, access: access.token, accessExpiresAt: access.expiresAt, refresh: token, refreshExpiresAt: claims.exp * 1000 }
        }
      }
    },
  }
}

export type Refresher = ReturnType<typeof createRefresher>
