// SQL for refresh_tokens: one row per refresh token issued, for rotation and reuse detection.
import { type Db, sql } from '../db/engine.ts'

export interface RefreshRow {
  jti: string
  session_id: string
  issued_at: number
  expires_at: number
  rotated_at: number | null
  replaced_by: string | null
  /** Hex SHA-256 of the token as issued (null for rows from before migration 0006). */
  token_hash: string | null
}

/** A type, not an interface: statement parameters need an object type with an implicit index signature. */
export type NewRefreshToken = {
  jti: string
  sessionId: string
  issuedAt: number
  expiresAt: number
  tokenHash: string
}

const insert = sql<never, NewRefreshToken>(
  `INSERT INTO refresh_tokens (jti, session_id, issued_at, expires_at, token_hash)
   VALUES ($jti, $sessionId, $issuedAt, $expiresAt, $tokenHash)`,
)
const byJti = sql<RefreshRow, { jti: string }>('SELECT * FROM refresh_tokens WHERE jti = $jti')
const markRotated = sql<never, { jti: string; now: number; next: string }>(
  'UPDATE refresh_tokens SET rotated_at = $now, replaced_by = $next WHERE jti = $jti AND rotated_at IS NULL',
)
const pruneExpired = sql<never, { sessionId: string; now: number }>(
  'DELETE FROM refresh_tokens WHERE session_id = $sessionId AND expires_at < $now',
)

export function createRefreshRepo(db: Db) {
  return {
    insert: (r: NewRefreshToken) => db.run(insert, r),
    byJti: (jti: string) => db.get(byJti, { jti }),
    /** True when this call rotated it (false: someone else already did). */
    markRotated: async (jti: string, now: number, next: string) => (await db.run(markRotated, { jti, now, next })) > 0,
    /** Expired rows can no longer be replayed (their signature check fails first), so they can go. */
    pruneExpired: (sessionId: string, now: number) => db.run(pruneExpired, { sessionId, now }),
  }
}

export type RefreshRepo = ReturnType<typeof createRefreshRepo>
