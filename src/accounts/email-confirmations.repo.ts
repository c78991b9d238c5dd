// SQL for e-mail verification keys: one row per e-mailed key, holding only the key's SHA-256.
import type { Database } from '../db/open.ts'

export interface EmailConfirmationRow {
  id: number
  user_id: number
  email: string
  key_hash: string
  created_at: number
  expires_at: number
  used_at: number | null
}

export function createEmailConfirmationsRepo(db: Database) {
  const insert = db.query<{ id: number }, Record<string, string | number>>(
    `INSERT INTO email_confirmations (user_id, email, key_hash, created_at, expires_at)
     VALUES ($userId, $email, $keyHash, $now, $expiresAt) RETURNING id`,
  )
  // A lookup by the digest of a 256-bit random key: timing reveals nothing an attacker can use.
  const usable = db.query<EmailConfirmationRow, { keyHash: string; now: number }>(
    'SELECT * FROM email_confirmations WHERE key_hash = $keyHash AND used_at IS NULL AND expires_at > $now',
  )
  const use = db.query<never, { id: number; now: number }>(
    'UPDATE email_confirmations SET used_at = $now WHERE id = $id AND used_at IS NULL',
  )
  const retireForUser = db.query<never, { userId: number; now: number }>(
    'UPDATE email_confirmations SET used_at = $now WHERE user_id = $userId AND used_at IS NULL',
  )
  const retireForAddress = db.query<never, { userId: number; email: string; now: number }>(
    'UPDATE email_confirmations SET used_at = $now WHERE user_id = $userId AND email = $email AND used_at IS NULL',
  )
  const sweep = db.query<never, { userId: number; now: number }>(
    'DELETE FROM email_confirmations WHERE user_id = $userId AND (used_at IS NOT NULL OR expires_at <= $now)',
  )
  return {
    /** Stores a new key's digest; old dead keys of the user are swept away first. */
    add(k: { userId: number; email: string; keyHash: string; now: number; expiresAt: number }): number {
      sweep.run({ userId: k.userId, now: k.now })
      return insert.get({ userId: k.userId, email: k.email, keyHash: k.keyHash, now: k.now, expiresAt: k.expiresAt })!.id
    },
    /** The unused, unexpired key with this digest, if any. */
    usable: (keyHash: string, now: number) => usable.get({ keyHash, now }),
    /** Marks a key used; false when it already was (a concurrent use won). */
    use: (id: number, now: number) => use.run({ id, now }).changes === 1,
    /** Retires the user's outstanding keys: all of them, or only those for `email`. */
    retireForUser(userId: number, now: number, email?: string): void {
      if (email === undefined) retireForUser.run({ userId, now })
      else retireForAddress.run({ userId, email, now })
    },
  }
}

export type EmailConfirmationsRepo = ReturnType<typeof createEmailConfirmationsRepo>
