// SQL for password reset tokens: one row per e-mailed token, holding only the token's SHA-256.
import { type Db, sql } from '../db/engine.ts'

export interface PasswordResetRow {
  id: number
  user_id: number
  token_hash: string
  created_at: number
  expires_at: number
  used_at: number | null
}

const insert = sql<{ id: number }, { userId: number; tokenHash: string; now: number; expiresAt: number }>(
  `INSERT INTO password_resets (user_id, token_hash, created_at, expires_at)
   VALUES ($userId, $tokenHash, $now, $expiresAt) RETURNING id`,
)
const usable = sql<PasswordResetRow, { userId: number; now: number }>(
  'SELECT * FROM password_resets WHERE user_id = $userId AND used_at IS NULL AND expires_at > $now ORDER BY id DESC',
)
const use = sql<never, { id: number; now: number }>('UPDATE password_resets SET used_at = $now WHERE id = $id AND used_at IS NULL')
const retireForUser = sql<never, { userId: number; now: number }>(
  'UPDATE password_resets SET used_at = $now WHERE user_id = $userId AND used_at IS NULL',
)
const sweep = sql<never, { userId: number; now: number }>(
  'DELETE FROM password_resets WHERE user_id = $userId AND (used_at IS NOT NULL OR expires_at <= $now)',
)

export function createPasswordResetsRepo(db: Db) {
  return {
    /** Stores a new token's digest; old dead tokens of the user are swept away first. */
    async add(t: { userId: number; tokenHash: string; now: number; expiresAt: number }): Promise<number> {
      await db.run(sweep, { userId: t.userId, now: t.now })
      return (await db.get(insert, t))!.id
    },
    /** The user's unused, unexpired tokens, newest first (the caller compares digests in constant time). */
    usable: (userId: number, now: number) => db.all(usable, { userId, now }),
    /** Marks a token used; false when it already was (a concurrent use won). */
    use: async (id: number, now: number) => (await db.run(use, { id, now })) === 1,
    /** Retires every outstanding token of a user (after a reset or a password change). */
    retireForUser: (userId: number, now: number) => db.run(retireForUser, { userId, now }),
  }
}

export type PasswordResetsRepo = ReturnType<typeof createPasswordResetsRepo>
