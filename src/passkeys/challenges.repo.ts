// SQL for WebAuthn ceremony challenges: stored under a hash of what the client presents back, taken
// (deleted) exactly once, and only before they expire.
import { type Db, sql } from '../db/engine.ts'

export type ChallengePurpose = 'register' | 'login'

export interface ChallengeRow {
  id: number
  purpose: ChallengePurpose
  key_hash: string
  user_id: number | null
  challenge: string
  expires_at: number
}

const insert = sql<never, { purpose: ChallengePurpose; keyHash: string; userId: number | null; challenge: string; expiresAt: number }>(
  `INSERT INTO webauthn_challenges (purpose, key_hash, user_id, challenge, expires_at)
   VALUES ($purpose, $keyHash, $userId, $challenge, $expiresAt)`,
)
// DELETE ... RETURNING: of two requests presenting the same key, only one gets the row.
const take = sql<ChallengeRow, { purpose: ChallengePurpose; keyHash: string }>(
  'DELETE FROM webauthn_challenges WHERE purpose = $purpose AND key_hash = $keyHash RETURNING *',
)
const sweep = sql<never, { now: number }>('DELETE FROM webauthn_challenges WHERE expires_at <= $now')

export function createChallengesRepo(db: Db) {
  return {
    /** Stores a challenge; expired ones are swept first so the table stays small. */
    async add(c: { purpose: ChallengePurpose; keyHash: string; userId: number | null; challenge: string; expiresAt: number }, now: number) {
      await db.run(sweep, { now })
      await db.run(insert, c)
    },
    /** Removes and returns the challenge stored under `keyHash` (the caller checks expiry and owner). */
    take: (purpose: ChallengePurpose, keyHash: string) => db.get(take, { purpose, keyHash }),
  }
}
