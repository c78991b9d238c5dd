// SQL for housekeeping: one batched DELETE per kind of ended row. Each statement deletes at most $limit
// rows picked by key, so a single write never holds the lock for long; repeating it is harmless, so two
// instances sweeping at once only share the work.
import { type Db, sql } from '../db/engine.ts'

type Cut = { before: number; limit: number }

/** `DELETE ... WHERE key IN (up to $limit keys matching `where`)`: the batched shape both engines run. */
const batch = (table: string, key: string, where: string) =>
  sql<never, Cut>(`DELETE FROM ${table} WHERE ${key} IN (SELECT ${key} FROM ${table} WHERE ${where} LIMIT $limit)`)

/** What each sweep deletes; `before` is the cut-off it is given (see housekeeping.ts). */
export const SWEEPS = {
  // Ended sessions (expired or revoked); their refresh tokens go with them (ON DELETE CASCADE).
  sessions: batch('sessions', 'id', 'expires_at < $before OR revoked_at < $before'),
  // Expired refresh tokens of sessions still live (a rotated one is kept until it expires: reuse detection).
  refresh_tokens: batch('refresh_tokens', 'jti', 'expires_at < $before'),
  signing_keys: batch('signing_keys', 'kid', 'retired_at IS NOT NULL AND retired_at < $before'),
  email_confirmations: batch('email_confirmations', 'id', 'expires_at < $before OR used_at < $before'),
  password_resets: batch('password_resets', 'id', 'expires_at < $before OR used_at < $before'),
  throttle: batch('throttle', 'bucket', 'reset_at < $before'),
  outbox: batch('outbox', 'id', 'sent_at IS NOT NULL AND sent_at < $before'),
  audit_log: batch('audit_log', 'id', 'at < $before'),
} as const

export type SweepName = keyof typeof SWEEPS

export function createHousekeepingRepo(db: Db) {
  return {
    /** Deletes up to `limit` ended rows of one kind; answers how many went. */
    sweep: (name: SweepName, before: number, limit: number) => db.run(SWEEPS[name], { before, limit }),
  }
}
