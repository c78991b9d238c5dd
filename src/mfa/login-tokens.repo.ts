// SQL for mfa_login_tokens: the ephemeral tokens between the two steps of an MFA login (only their SHA-256).
import { type Db, sql } from '../db/engine.ts'

export interface LoginTokenRow {
  id: number
  token_hash: string
  user_id: number
  method_id: number
  attempts: number
  created_at: number
  expires_at: number
}

const insert = sql<never, { hash: string; userId: number; methodId: number; attempts: number; now: number; expiresAt: number }>(
  `INSERT INTO mfa_login_tokens (token_hash, user_id, method_id, attempts, created_at, expires_at)
   VALUES ($hash, $userId, $methodId, $attempts, $now, $expiresAt)`,
)
const live = sql<LoginTokenRow, { hash: string; now: number; max: number }>(
  'SELECT * FROM mfa_login_tokens WHERE token_hash = $hash AND expires_at > $now AND attempts < $max',
)
// Taking an attempt is a compare-and-set in the transaction that acts on the code: parallel guesses each
// take one of the attempts left, so no burst gets past MFA_MAX_ATTEMPTS.
const attempt = sql<{ attempts: number }, { id: number; now: number; max: number }>(
  `UPDATE mfa_login_tokens SET attempts = attempts + 1
   WHERE id = $id AND expires_at > $now AND attempts < $max RETURNING attempts`,
)
const remove = sql<never, { id: number }>('DELETE FROM mfa_login_tokens WHERE id = $id')
const sweep = sql<never, { now: number; max: number }>('DELETE FROM mfa_login_tokens WHERE expires_at <= $now OR attempts >= $max')

export function createLoginTokensRepo(db: Db) {
  return {
    add: (t: { hash: string; userId: number; methodId: number; attempts: number; now: number; expiresAt: number }) => db.run(insert, t),
    /** The token if it is unexpired and has attempts left. */
    live: (hash: string, now: number, max: number) => db.get(live, { hash, now, max }),
    /** Takes one attempt of a live token: the attempts counted so far, this one included, or null when none is left. */
    attempt: async (id: number, now: number, max: number) => (await db.get(attempt, { id, now, max }))?.attempts ?? null,
    /** Retires a token; false when it was gone already (used by a parallel request). */
    remove: async (id: number) => (await db.run(remove, { id })) === 1,
    /** Deletes expired and spent tokens. */
    sweep: (now: number, max: number) => db.run(sweep, { now, max }),
  }
}

export type LoginTokensRepo = ReturnType<typeof createLoginTokensRepo>
