// SQL for social_accounts (provider accounts linked to users) and social_states (pending browser flows).
import { type Db, sql } from '../db/engine.ts'

export interface SocialAccountRow {
  id: number
  user_id: number
  provider: string
  uid: string
  email: string | null
  date_joined: number
  last_login: number | null
}

export interface SocialStateRow {
  id: number
  state_hash: string
  provider: string
  code_verifier: string
  nonce: string | null
  next_url: string
  user_id: number | null
  created_at: number
  expires_at: number
}

const byProviderUid = sql<SocialAccountRow, { provider: string; uid: string }>('SELECT * FROM social_accounts WHERE provider = $provider AND uid = $uid')
const byUser = sql<SocialAccountRow, { userId: number }>('SELECT * FROM social_accounts WHERE user_id = $userId ORDER BY id')
const countByUser = sql<{ n: number }, { userId: number }>('SELECT count(*) AS n FROM social_accounts WHERE user_id = $userId')
const insertAccount = sql<{ id: number }, { userId: number; provider: string; uid: string; email: string | null; now: number }>(
  `INSERT INTO social_accounts (user_id, provider, uid, email, date_joined, last_login)
   VALUES ($userId, $provider, $uid, $email, $now, $now) RETURNING id`,
)
const touch = sql<never, { id: number; now: number }>('UPDATE social_accounts SET last_login = $now WHERE id = $id')
const removeAccount = sql<never, { id: number; userId: number }>('DELETE FROM social_accounts WHERE id = $id AND user_id = $userId')

const insertState = sql<never, Omit<SocialStateRow, 'id'>>(
  `INSERT INTO social_states (state_hash, provider, code_verifier, nonce, next_url, user_id, created_at, expires_at)
   VALUES ($state_hash, $provider, $code_verifier, $nonce, $next_url, $user_id, $created_at, $expires_at)`,
)
// DELETE ... RETURNING: two callbacks racing with one state cannot both get the row.
const takeState = sql<SocialStateRow, { hash: string; now: number }>(
  'DELETE FROM social_states WHERE state_hash = $hash AND expires_at > $now RETURNING *',
)
const purgeStates = sql<never, { now: number }>('DELETE FROM social_states WHERE expires_at <= $now')

export function createSocialRepo(db: Db) {
  return {
    account: (provider: string, uid: string) => db.get(byProviderUid, { provider, uid }),
    accountsOf: (userId: number) => db.all(byUser, { userId }),
    countOf: async (userId: number) => Number((await db.get(countByUser, { userId }))?.n ?? 0),
    link: async (a: { userId: number; provider: string; uid: string; email: string | null; now: number }) => (await db.get(insertAccount, a))!.id,
    touch: (id: number, now: number) => db.run(touch, { id, now }),
    /** Deletes the user's account `id`; false when there is none (unknown, or another user's). */
    remove: async (id: number, userId: number) => (await db.run(removeAccount, { id, userId })) === 1,

    addState: (row: Omit<SocialStateRow, 'id'>) => db.run(insertState, row),
    /** Removes and returns the unexpired flow with this state hash: each state is used once. */
    takeState: (hash: string, now: number) => db.get(takeState, { hash, now }),
    purgeStates: (now: number) => db.run(purgeStates, { now }),
  }
}

export type SocialRepo = ReturnType<typeof createSocialRepo>
