// SQL for the sessions table: one row per login, looked up on every authenticated request.
import type { UserRow } from '../users/users.repo.ts'
import { type Db, sql, then } from '../db/engine.ts'

export interface SessionRow {
  id: string
  user_id: number
  created_at: number
  last_used_at: number
  expires_at: number
  user_agent: string
  ip: string
  revoked_at: number | null
  revoked_reason: string | null
  key_hash: string | null
}

export interface NewSession {
  id: string
  userId: number
  now: number
  expiresAt: number
  userAgent: string
  ip: string
  keyHash: string | null
}

/** A live session with its active user: what the per-request check needs, from one indexed lookup. */
export interface LiveSession {
  session: { id: string; last_used_at: number }
  user: UserRow
}

type JoinedRow = UserRow & { s_id: string; s_last_used_at: number }

/**
 * The live-session rule in SQL, over `sessions s JOIN users u` at `$now`: a revoked or expired session (or
 * a deactivated user) never matches. Every statement that needs a live session uses this one condition.
 */
export const LIVE_SESSION = 's.revoked_at IS NULL AND s.expires_at > $now AND u.is_active = 1'

const LIVE_JOIN = `SELECT u.*, s.id AS s_id, s.last_used_at AS s_last_used_at
  FROM sessions s JOIN users u ON u.id = s.user_id
  WHERE ${LIVE_SESSION}`

const split = (row: JoinedRow | null): LiveSession | null => {
  if (!row) return null
  const { s_id, s_last_used_at, ...user } = row
  return { session: { id: s_id, last_used_at: s_last_used_at }, user }
}

const insert = sql<never, Record<string, string | number | null>>(
  `INSERT INTO sessions (id, user_id, created_at, last_used_at, expires_at, user_agent, ip, key_hash)
   VALUES ($id, $userId, $now, $now, $expiresAt, $userAgent, $ip, $keyHash)`,
)
const liveById = sql<JoinedRow, { id: string; now: number }>(`${LIVE_JOIN} AND s.id = $id`)
const liveByKeyHash = sql<JoinedRow, { keyHash: string; now: number }>(`${LIVE_JOIN} AND s.key_hash = $keyHash`)
const byId = sql<SessionRow, { id: string }>('SELECT * FROM sessions WHERE id = $id')
const touch = sql<never, { id: string; now: number }>('UPDATE sessions SET last_used_at = $now WHERE id = $id')
const extend = sql<never, { id: string; expiresAt: number }>(
  'UPDATE sessions SET expires_at = CASE WHEN expires_at > $expiresAt THEN expires_at ELSE $expiresAt END WHERE id = $id',
)
const revoke = sql<never, { id: string; now: number; reason: string }>(
  'UPDATE sessions SET revoked_at = $now, revoked_reason = $reason WHERE id = $id AND revoked_at IS NULL',
)
const revokeUser = sql<never, { userId: number; except: string; now: number; reason: string }>(
  `UPDATE sessions SET revoked_at = $now, revoked_reason = $reason
   WHERE user_id = $userId AND revoked_at IS NULL AND id != $except`,
)
const byUser = sql<SessionRow, { userId: number }>('SELECT * FROM sessions WHERE user_id = $userId ORDER BY created_at DESC')
const prune = sql<never, { userId: number; before: number }>(
  'DELETE FROM sessions WHERE user_id = $userId AND (expires_at < $before OR revoked_at < $before)',
)

export function createSessionsRepo(db: Db) {
  return {
    insert: (s: NewSession) =>
      db.run(insert, { id: s.id, userId: s.userId, now: s.now, expiresAt: s.expiresAt, userAgent: s.userAgent, ip: s.ip, keyHash: s.keyHash }),
    liveById: (id: string, now: number) => then(db.get(liveById, { id, now }), split),
    /** The live session `id` if it is the session of user `sub` (a token's claim), else null: the one check every token gets. */
    liveFor: (id: string, sub: string, now: number) =>
      then(db.get(liveById, { id, now }), (row) => (row !== null && String(row.id) === sub ? split(row) : null)),
    liveByKeyHash: (keyHash: string, now: number) => then(db.get(liveByKeyHash, { keyHash, now }), split),
    byId: (id: string) => db.get(byId, { id }),
    /** Every session row of the user, newest first (ended ones too, until housekeeping forgets them). */
    byUser: (userId: number) => db.all(byUser, { userId }),
    touch: (id: string, now: number) => db.run(touch, { id, now }),
    extend: (id: string, expiresAt: number) => db.run(extend, { id, expiresAt }),
    /** True when this call revoked it (false: it was revoked already, or does not exist). */
    revoke: async (id: string, now: number, reason: string) => (await db.run(revoke, { id, now, reason })) > 0,
    /** Revokes every live session of the user except `except` (pass '' for none); returns how many. */
    revokeUser: (userId: number, except: string, now: number, reason: string) => db.run(revokeUser, { userId, except, now, reason }),
    /** Forgets the user's sessions that ended before `before` (housekeeping at login). */
    prune: (userId: number, before: number) => db.run(prune, { userId, before }),
  }
}

export type SessionsRepo = ReturnType<typeof createSessionsRepo>
