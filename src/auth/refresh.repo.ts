// SQL for refresh_tokens: one row per refresh token issued, for rotation and reuse detection.
import type { Database } from '../db/open.ts'

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

/** A type, not an interface: bun:sqlite's bindings need an object type with an implicit index signature. */
export type NewRefreshToken = {
  jti: string
  sessionId: string
  issuedAt: number
  expiresAt: number
  tokenHash: string
}

export function createRefreshRepo(db: Database) {
  const insert = db.query<never, NewRefreshToken>(
    `INSERT INTO refresh_tokens (jti, session_id, issued_at, expires_at, token_hash)
     VALUES ($jti, $sessionId, $issuedAt, $expiresAt, $tokenHash)`,
  )
  const byJti = db.query<RefreshRow, { jti: string }>('SELECT * FROM refresh_tokens WHERE jti = $jti')
  const markRotated = db.query<never, { jti: string; now: number; next: string }>(
    'UPDATE refresh_tokens SET rotated_at = $now, replaced_by = $next WHERE jti = $jti AND rotated_at IS NULL',
  )
  const pruneExpired = db.query<never, { sessionId: string; now: number }>(
    'DELETE FROM refresh_tokens WHERE session_id = $sessionId AND expires_at < $now',
  )
  return {
    insert: (r: NewRefreshToken) => void insert.run(r),
    byJti: (jti: string) => byJti.get({ jti }),
    /** True when this call rotated it (false: someone else already did). */
    markRotated: (jti: string, now: number, next: string) => markRotated.run({ jti, now, next }).changes > 0,
    /** Expired rows can no longer be replayed (their signature check fails first), so they can go. */
    pruneExpired: (sessionId: string, now: number) => void pruneExpired.run({ sessionId, now }),
  }
}

export type RefreshRepo = ReturnType<typeof createRefreshRepo>
