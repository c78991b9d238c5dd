// SQL for the sessions table: one row per login, looked up on every authenticated request.
import type { UserRow } from '../accounts/users.repo.ts'
import type { Database } from '../db/open.ts'

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

// The live-session check in SQL, so a revoked or expired session (or a deactivated user) never matches.
const LIVE_JOIN = `SELECT u.*, s.id AS s_id, s.last_used_at AS s_last_used_at
  FROM sessions s JOIN users u ON u.id = s.user_id
  WHERE s.revoked_at IS NULL AND s.expires_at > $now AND u.is_active = 1`

const split = (row: JoinedRow | null): LiveSession | null => {
  if (!row) return null
  const { s_id, s_last_used_at, ...user } = row
  return { session: { id: s_id, last_used_at: s_last_used_at }, user }
}

export function createSessionsRepo(db: Database) {
  const insert = db.query<never, Record<string, string | number | null>>(
    `INSERT INTO sessions (id, user_id, created_at, last_used_at, expires_at, user_agent, ip, key_hash)
     VALUES ($id, $userId, $now, $now, $expiresAt, $userAgent, $ip, $keyHash)`,
  )
  const liveById = db.query<JoinedRow, { id: string; now: number }>(`${LIVE_JOIN} AND s.id = $id`)
  const liveByKeyHash = db.query<JoinedRow, { keyHash: string; now: number }>(`${LIVE_JOIN} AND s.key_hash = $keyHash`)
  const byId = db.query<SessionRow, { id: string }>('SELECT * FROM sessions WHERE id = $id')
  const touch = db.query<never, { id: string; now: number }>('UPDATE sessions SET last_used_at = $now WHERE id = $id')
  const extend = db.query<never, { id: string; expiresAt: number }>(
    'UPDATE sessions SET expires_at = max(expires_at, $expiresAt) WHERE id = $id',
  )
  const revoke = db.query<never, { id: string; now: number; reason: string }>(
    'UPDATE sessions SET revoked_at = $now, revoked_reason = $reason WHERE id = $id AND revoked_at IS NULL',
  )
  const revokeUser = db.query<never, { userId: number; except: string; now: number; reason: string }>(
    `UPDATE sessions SET revoked_at = $now, revoked_reason = $reason
     WHERE user_id = $userId AND revoked_at IS NULL AND id != $except`,
  )
  const prune = db.query<never, { userId: number; before: number }>(
    'DELETE FROM sessions WHERE user_id = $userId AND (expires_at < $before OR revoked_at < $before)',
  )
  return {
    insert: (s: NewSession) =>
      insert.run({ id: s.id, userId: s.userId, now: s.now, expiresAt: s.expiresAt, userAgent: s.userAgent, ip: s.ip, keyHash: s.keyHash }),
    liveById: (id: string, now: number) => split(liveById.get({ id, now })),
    liveByKeyHash: (keyHash: string, now: number) => split(liveByKeyHash.get({ keyHash, now })),
    byId: (id: string) => byId.get({ id }),
    touch: (id: string, now: number) => touch.run({ id, now }),
    extend: (id: string, expiresAt: number) => extend.run({ id, expiresAt }),
    revoke: (id: string, now: number, reason: string) => revoke.run({ id, now, reason }).changes > 0,
    /** Revokes every live session of the user except `except` (pass '' for none); returns how many. */
    revokeUser: (userId: number, except: string, now: number, reason: string) =>
      revokeUser.run({ userId, except, now, reason }).changes,
    /** Forgets the user's sessions that ended before `before` (housekeeping at login). */
    prune: (userId: number, before: number) => prune.run({ userId, before }).changes,
  }
}

export type SessionsRepo = ReturnType<typeof createSessionsRepo>
