// SQL for the audit_log table: appended to by audit.record, listed by `authkit audit list`, pruned by housekeeping.
import { type Db, sql } from '../db/engine.ts'

export interface AuditRow {
  id: number
  at: number
  event: string
  user_id: number | null
  session_id: string | null
  ip: string
  user_agent: string
  detail: string
}

export type NewAuditRow = {
  at: number
  event: string
  userId: number | null
  sessionId: string | null
  ip: string
  userAgent: string
  detail: string
}

const insert = sql<never, NewAuditRow>(
  `INSERT INTO audit_log (at, event, user_id, session_id, ip, user_agent, detail)
   VALUES ($at, $event, $userId, $sessionId, $ip, $userAgent, $detail)`,
)
const list = sql<AuditRow, { since: number; limit: number }>(
  'SELECT * FROM audit_log WHERE at >= $since ORDER BY at DESC, id DESC LIMIT $limit',
)
const listUser = sql<AuditRow, { userId: number; since: number; limit: number }>(
  'SELECT * FROM audit_log WHERE user_id = $userId AND at >= $since ORDER BY at DESC, id DESC LIMIT $limit',
)
// A batch at a time (housekeeping): a short write each, never one long delete.
const pruneBatch = sql<never, { before: number; limit: number }>(
  'DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE at < $before ORDER BY at LIMIT $limit)',
)

export function createAuditRepo(db: Db) {
  return {
    insert: (row: NewAuditRow) => db.run(insert, row),
    list: (opts: { userId?: number; since?: number; limit?: number }) => {
      const since = opts.since ?? 0
      const limit = opts.limit ?? 1000
      return opts.userId === undefined ? db.all(list, { since, limit }) : db.all(listUser, { userId: opts.userId, since, limit })
    },
    /** Deletes up to `limit` rows older than `before`; answers how many went. */
    pruneBatch: (before: number, limit: number) => db.run(pruneBatch, { before, limit }),
  }
}

export type AuditRepo = ReturnType<typeof createAuditRepo>
