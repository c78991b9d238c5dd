// SQL for refresh_tokens: one row per refresh token issued, for rotation and reuse detection.
import { type Db, sql, then } from '../db/engine.ts'
import { LIVE_SESSION } from './sessions.repo.ts'

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
// A refresh's usual case: rotates the token when it is unrotated and belongs to a live session of the user
// its JWT names. Zero rows changed sends the caller down the careful path (reads).
const ROTATE_IF_LIVE = `UPDATE refresh_tokens SET rotated_at = $now, replaced_by = $next
   WHERE jti = $jti AND session_id = $sessionId AND rotated_at IS NULL
     AND EXISTS (SELECT 1 FROM sessions s JOIN users u ON u.id = s.user_id
                 WHERE s.id = $sessionId AND s.user_id = $userId AND ${LIVE_SESSION})`
const rotateIfLive = sql<never, { jti: string; sessionId: string; userId: number; now: number; next: string }>(ROTATE_IF_LIVE)
// The same usual case on PostgreSQL as one atomic statement: the rotation and the three writes that follow
// it (successor row, session expiry, pruning; see recordSuccessor in refresh.ts) as data-modifying CTEs,
// each running only if the rotation did. One statement instead of a transaction of five round trips. SQLite
// has no writes in CTEs and no round trips: it runs the same steps as separate statements. This statement
// also moves sessions.expires_at, the one write to sessions outside sessions.repo.ts (the same rule as its
// `extend`: an expiry only moves later).
type RotateAtOnce = { jti: string; sessionId: string; userId: number; now: number; next: string } & Omit<NewRefreshToken, 'jti' | 'sessionId'>
const rotateAtOnce = sql<{ n: number }, RotateAtOnce>(
  `WITH rotated AS (${ROTATE_IF_LIVE} RETURNING session_id), successor AS (
     INSERT INTO refresh_tokens (jti, session_id, issued_at, expires_at, token_hash)
     SELECT $next, session_id, $issuedAt::bigint, $expiresAt::bigint, $tokenHash FROM rotated
   ), extended AS (
     UPDATE sessions SET expires_at = CASE WHEN expires_at > $expiresAt THEN expires_at ELSE $expiresAt END
     WHERE id IN (SELECT session_id FROM rotated)
   ), pruned AS (
     DELETE FROM refresh_tokens WHERE session_id IN (SELECT session_id FROM rotated) AND expires_at < $now
   )
   SELECT count(*)::int AS n FROM rotated`,
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
    /**
     * Rotates `jti` (replaced by `next`) if it is unrotated and its session `sessionId` is live and user
     * `userId`'s; true when this call rotated it.
     */
    rotateIfLive: (r: { jti: string; sessionId: string; userId: number; now: number; next: string }) => then(db.run(rotateIfLive, r), (n) => n > 0),
    /**
     * PostgreSQL only: rotateIfLive and, if it rotated, the successor's row, the session's new expiry and the
     * pruning, in one atomic statement (no transaction needed). True when it rotated.
     */
    rotateAtOnce: (r: RotateAtOnce) => {
      if (db.engine !== 'postgres') throw new Error('rotateAtOnce is PostgreSQL-only: on SQLite use rotateIfLive and its writes in a transaction')
      return then(db.get(rotateAtOnce, r), (row) => (row?.n ?? 0) > 0)
    },
    /** Expired rows can no longer be replayed (their signature check fails first), so they can go. */
    pruneExpired: (sessionId: string, now: number) => db.run(pruneExpired, { sessionId, now }),
  }
}

export type RefreshRepo = ReturnType<typeof createRefreshRepo>
