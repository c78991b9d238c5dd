// SQL for e-mail verification keys: one row per e-mailed key, holding only the key's SHA-256.
import { type Db, sql } from '../db/engine.ts'

export interface EmailConfirmationRow {
  id: number
  user_id: number
  email: string
  key_hash: string
  created_at: number
  expires_at: number
  used_at: number | null
}

const insert = sql<{ id: number }, { userId: number; email: string; keyHash: string; now: number; expiresAt: number }>(
  `INSERT INTO email_confirmations (user_id, email, key_hash, created_at, expires_at)
   VALUES ($userId, $email, $keyHash, $now, $expiresAt) RETURNING id`,
)
// A lookup by the digest of a 256-bit random key: timing reveals nothing an attacker can use.
const usable = sql<EmailConfirmationRow, { keyHash: string; now: number }>(
  'SELECT * FROM email_confirmations WHERE key_hash = $keyHash AND used_at IS NULL AND expires_at > $now',
)
const use = sql<never, { id: number; now: number }>('UPDATE email_confirmations SET used_at = $now WHERE id = $id AND used_at IS NULL')
const retireForUser = sql<never, { userId: number; now: number }>(
  'UPDATE email_confirmations SET used_at = $now WHERE user_id = $userId AND used_at IS NULL',
)
const retireForAddress = sql<never, { userId: number; email: string; now: number }>(
  'UPDATE email_confirmations SET used_at = $now WHERE user_id = $userId AND email = $email AND used_at IS NULL',
)
const sweep = sql<never, { userId: number; now: number }>(
  'DELETE FROM email_confirmations WHERE user_id = $userId AND (used_at IS NOT NULL OR expires_at <= $now)',
)

export function createEmailConfirmationsRepo(db: Db) {
  return {
    /** Stores a new key's digest; old dead keys of the user are swept away first. */
    async add(k: { userId: number; email: string; keyHash: string; now: number; expiresAt: number }): Promise<number> {
      await db.run(sweep, { userId: k.userId, now: k.now })
      return (await db.get(insert, k))!.id
    },
    /** The unused, unexpired key with this digest, if any. */
    usable: (keyHash: string, now: number) => db.get(usable, { keyHash, now }),
    /** Marks a key used; false when it already was (a concurrent use won). */
    use: async (id: number, now: number) => (await db.run(use, { id, now })) === 1,
    /** Retires the user's outstanding keys: all of them, or only those for `email`. */
    retireForUser: (userId: number, now: number, email?: string) =>
      email === undefined ? db.run(retireForUser, { userId, now }) : db.run(retireForAddress, { userId, email, now }),
  }
}

export type EmailConfirmationsRepo = ReturnType<typeof createEmailConfirmationsRepo>
