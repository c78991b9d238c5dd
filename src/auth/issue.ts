// What a successful login hands out: a new server-side session and, per AUTH_TYPE, an access/refresh
// JWT pair or an opaque key (only its SHA-256 is stored).
import { record as recordAudit } from '../audit/audit.ts'
import type { Config } from '../config/settings.ts'
import type { Database, Db } from '../db/engine.ts'
import type { Clock } from '../lib/clock.ts'
import { randomToken, sha256 } from '../lib/crypto.ts'
import type { Jwt, TokenInput } from './jwt.ts'
import { createUsersRepo } from '../users/users.repo.ts'
import { createRefreshRepo, type NewRefreshToken } from './refresh.repo.ts'
import { createSessionsRepo } from './sessions.repo.ts'
import { createSession, newSessionId, type SessionMeta } from './sessions.ts'

export interface JwtPair {
  readonly access: string
  readonly accessExpiresAt: number
  readonly refresh: string
  readonly refreshExpiresAt: number
}

export type Issued =
  | ({ readonly kind: 'jwt'; readonly sessionId: string } & JwtPair)
  | { readonly kind: 'token'; readonly sessionId: string; readonly key: string; readonly expiresAt: number }

type IssueConfig = Pick<Config, 'authType' | 'accessTokenLifetime' | 'refreshTokenLifetime' | 'authTokenCookieExpireTime'>

/**
 * A refresh token's jti: the issue time in hex (so new rows land at the end of the refresh_tokens
 * primary-key b-tree, on a page the other refreshes of a group commit write too, not on a random one)
 * and 96 random bits.
 */
export const refreshJti = (now: number) => `${Math.floor(now).toString(16).padStart(12, '0')}${randomToken(12)}`

/** Sessions that ended more than this long ago are deleted at the user's next login. */
const KEEP_ENDED_SESSIONS_MS = 30 * 86_400_000

export function createIssuer(deps: { db: Database; config: IssueConfig; clock: Clock; jwt: Jwt }) {
  const { db, config, clock, jwt } = deps

  // Group-committed (SQLite: the logins of one event-loop turn share a commit), as refresh is: after the
  // password check this write is most of a login's cost, and all of an MFA second step's.
  const recordLogin = db.groupCommit(
    async (
      tx: Db,
      r: { userId: number; sessionId: string; meta: SessionMeta; now: number; expiresAt: number; keyHash: string | null; refresh?: NewRefreshToken },
    ) => {
      await tx.use(createSessionsRepo).prune(r.userId, r.now - KEEP_ENDED_SESSIONS_MS)
      await createSession(tx, r.userId, r.meta, { id: r.sessionId, now: r.now, expiresAt: r.expiresAt, keyHash: r.keyHash })
      if (r.refresh) await tx.use(createRefreshRepo).insert(r.refresh)
      await tx.use(createUsersRepo).touchLastLogin(r.userId, r.now)
      await recordAudit(tx, { event: 'login_ok', at: r.now, userId: r.userId, sessionId: r.sessionId, ip: r.meta.ip, userAgent: r.meta.userAgent })
    },
  )

  const accessInput = (userId: number, sessionId: string, now: number): TokenInput => ({
    userId,
    sessionId,
    jti: randomToken(16),
    issuedAt: now,
    expiresAt: now + config.accessTokenLifetime * 1000,
  })

  /** A fresh access token for a session. */
  const accessToken = async (userId: number, sessionId: string, now: number) => {
    const t = accessInput(userId, sessionId, now)
    return { token: await jwt.sign('access', t), expiresAt: t.expiresAt }
  }

  /** A fresh access token plus the refresh token `refresh` describes, signed with one key lookup. */
  const pair = async (userId: number, sessionId: string, now: number, refresh: Omit<TokenInput, 'userId' | 'sessionId'>): Promise<JwtPair> => {
    const access = accessInput(userId, sessionId, now)
    const signed = await jwt.signPair(access, { ...refresh, userId, sessionId })
    return { access: signed.access, accessExpiresAt: access.expiresAt, refresh: signed.refresh, refreshExpiresAt: refresh.expiresAt }
  }

  return {
    accessToken,
    pair,

    /** Creates the session and its credentials for `userId`, and records the login. */
    async login(userId: number, meta: SessionMeta): Promise<Issued> {
      const now = clock.now()
      const sessionId = newSessionId()
      const record = (expiresAt: number, keyHash: string | null, refresh?: NewRefreshToken) =>
        recordLogin({ userId, sessionId, meta, now, expiresAt, keyHash, refresh })

      if (config.authType === 'token') {
        const key = randomToken(32)
        const expiresAt = now + config.authTokenCookieExpireTime * 1000
        await record(expiresAt, sha256(key))
        return { kind: 'token', sessionId, key, expiresAt }
      }

      // Sign first (async), then write everything in one transaction.
      const jti = refreshJti(now)
      const refreshExpiresAt = now + config.refreshTokenLifetime * 1000
      const issued = await pair(userId, sessionId, now, { jti, issuedAt: now, expiresAt: refreshExpiresAt })
      const tokenHash = sha256(issued.refresh)
      await record(refreshExpiresAt, null, { jti, sessionId, issuedAt: now, expiresAt: refreshExpiresAt, tokenHash })
      return { kind: 'jwt', sessionId, ...issued }
    },
  }
}

export type Issuer = ReturnType<typeof createIssuer>
