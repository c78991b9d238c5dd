// SQL for the passkeys table: one row per registered WebAuthn credential (public key, counter, transports).
import { type Db, sql } from '../db/engine.ts'

export interface PasskeyRow {
  id: number
  user_id: number
  credential_id: string
  public_key: string
  counter: number
  transports: string
  name: string
  created_at: number
  last_used_at: number | null
}

export type NewPasskey = {
  userId: number
  credentialId: string
  publicKey: string
  counter: number
  transports: string
  name: string
  now: number
}

const insert = sql<{ id: number }, NewPasskey>(
  `INSERT INTO passkeys (user_id, credential_id, public_key, counter, transports, name, created_at)
   VALUES ($userId, $credentialId, $publicKey, $counter, $transports, $name, $now) RETURNING id`,
)
const byCredentialId = sql<PasskeyRow, { credentialId: string }>('SELECT * FROM passkeys WHERE credential_id = $credentialId')
const byUser = sql<PasskeyRow, { userId: number }>('SELECT * FROM passkeys WHERE user_id = $userId ORDER BY id')
const countByUser = sql<{ n: number }, { userId: number }>('SELECT COUNT(*) AS n FROM passkeys WHERE user_id = $userId')
const rename = sql<never, { id: number; userId: number; name: string }>(
  'UPDATE passkeys SET name = $name WHERE id = $id AND user_id = $userId',
)
const remove = sql<never, { id: number; userId: number }>('DELETE FROM passkeys WHERE id = $id AND user_id = $userId')
// Only forward: of two logins racing with the same counter, one moves it and the other is refused. An
// authenticator without a counter (always 0) stays at 0.
const used = sql<never, { id: number; counter: number; now: number }>(
  `UPDATE passkeys SET counter = $counter, last_used_at = $now
   WHERE id = $id AND (counter < $counter OR (counter = 0 AND $counter = 0))`,
)

export function createPasskeysRepo(db: Db) {
  return {
    add: async (p: NewPasskey) => (await db.get(insert, p))!.id,
    byCredentialId: (credentialId: string) => db.get(byCredentialId, { credentialId }),
    byUser: (userId: number) => db.all(byUser, { userId }),
    /** How many passkeys a user has: a passkey is a way to sign in for the "last way to sign in" rule (API.md §8.2). */
    countByUser: async (userId: number) => Number((await db.get(countByUser, { userId }))?.n ?? 0),
    /** False when the user has no passkey with this id (another user's is not theirs to rename). */
    rename: async (id: number, userId: number, name: string) => (await db.run(rename, { id, userId, name })) === 1,
    remove: async (id: number, userId: number) => (await db.run(remove, { id, userId })) === 1,
    /** Records a login's new counter; false when the counter did not move forward (a cloned authenticator, or a race). */
    used: async (id: number, counter: number, now: number) => (await db.run(used, { id, counter, now })) === 1,
  }
}

export type PasskeysRepo = ReturnType<typeof createPasskeysRepo>
