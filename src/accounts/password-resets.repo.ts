// SQL for password reset tokens: one row per e-mailed token, holding only the token's SHA-256.
import type { Database } from '../db/open.ts'

export interface PasswordResetRow {
  id: number
  user_id: number
  token_hash: string
  created_at: number
  expires_at: number
  used_at: number | null
}

export function createPasswordResetsRepo(db: Database) {
  const insert = db.query<{ id: number }, Record<string, string | number>>(
    `INSERT INTO password_resets (user_id, token_hash, created_at, expires_at)
     VALUES ($userId, $tokenHash, $now, $expiresAt) RETURNING id`,
  )
  const usable = db.query<PasswordResetRow, { userId: number; now: number }>(
    'SELECT * FROM password_resets WHERE user_id = $userId AND used_at IS NULL AND expires_at > $now ORDER BY id DESC',
  )
  const use = db.query<never, { id: number; now: number }>(
    'UPDATE password_resets SET used_at = $now WHERE id = $id AND used_at IS NULL',
  )
  const retireForUser = db.query<never, { userId: number; now: number }>(
    'UPDATE password_resets SET used_at = $now WHERE user_id = $userId AND used_at IS NULL',
  )
  const sweep = db.query<never, { userId: number; now: number }>(
    'DELETE FROM password_resets WHERE user_id = $userId AND (used_at IS NOT NULL OR expires_at <= $now)',
  )
  return {
    /** Stores a new token's digest; old dead tokens of the user are swept away first. */
    add(t: { userId: number; tokenHash: string; now: number; expiresAt: number }): number {
      sweep.run({ userId: t.userId, now: t.now })
      return insert.get({ userId: t.userId, tokenHash: t.tokenHash, now: t.now, expiresAt: t.expiresAt })!.id
    },
    /** The user's unused, unexpired tokens, newest first (the caller compares digests in constant time). */
    usable: (userId: number, now: number) => usable.all({ userId, now }),
    /** Marks a token used; false when it already was (a concurrent use won). */
    use: (id: number, now: number) => use.run({ id, now }).changes === 1,
    /** Retires every outstanding token of a user (after a reset or a password change). */
    retireForUser: (userId: number, now: number) => void retireForUser.run({ userId, now }),
  }
}

export type PasswordResetsRepo = ReturnType<typeof createPasswordResetsRepo>
