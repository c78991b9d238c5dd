// Server-side sessions: every login makes one; revoking it kills its access and refresh tokens (or key) at once.
// Each takes a Db: the database, or the `tx` of the caller's transaction (the password update's, say).
import type { Db } from '../db/engine.ts'
import { randomToken } from '../lib/crypto.ts'
import { createSessionsRepo } from './sessions.repo.ts'

export type RevokeReason = 'logout' | 'password_change' | 'password_reset' | 'refresh_reuse' | 'admin'

export interface SessionMeta {
  userAgent: string
  ip: string
}

/** A new session id: 128 random bits, base64url. It travels as `sid` in JWTs (not a secret by itself). */
export const newSessionId = () => randomToken(16)

/** Creates a session for `userId` that ends at `expiresAt` (ms); `keyHash` is set in token mode. */
export async function createSession(
  db: Db,
  userId: number,
  meta: SessionMeta,
  opts: { id?: string; now: number; expiresAt: number; keyHash?: string | null },
): Promise<string> {
  const id = opts.id ?? newSessionId()
  await createSessionsRepo(db).insert({
    id,
    userId,
    now: opts.now,
    expiresAt: opts.expiresAt,
    // Bounded: these are shown back to the user later, not trusted.
    userAgent: meta.userAgent.slice(0, 512),
    ip: meta.ip.slice(0, 64),
    keyHash: opts.keyHash ?? null,
  })
  return id
}

/**
 * Revokes every live session of `userId`, except `except` (the caller's own session) when given.
 * Password change: `revokeUserSessions(db, user.id, { except: session.id, now, reason: 'password_change' })`;
 * password reset: `revokeUserSessions(db, user.id, { now, reason: 'password_reset' })`.
 * Pass the `tx` of the password update's transaction.
 */
export function revokeUserSessions(
  db: Db,
  userId: number,
  opts: { except?: string; now: number; reason?: RevokeReason },
): Promise<number> | number {
  return createSessionsRepo(db).revokeUser(userId, opts.except ?? '', opts.now, opts.reason ?? 'admin')
}

/** Revokes one session; true when it was live. */
export function revokeSession(db: Db, sessionId: string, opts: { now: number; reason: RevokeReason }): Promise<boolean> {
  return createSessionsRepo(db).revoke(sessionId, opts.now, opts.reason)
}
