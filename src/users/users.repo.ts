// SQL for the users table, and its one owner: accounts/, auth/ and the sign-in features go through it.
// Usernames and e-mails are unique regardless of case; e-mails are stored lower-cased.
import { type Db, sql } from '../db/engine.ts'

export interface UserRow {
  id: number
  username: string
  email: string
  password_hash: string
  first_name: string
  last_name: string
  email_verified: number
  is_active: number
  date_joined: number
  last_login: number | null
  /** A new address waiting for its verification key (lower-cased), or null. */
  pending_email: string | null
}

export interface NewUser {
  username: string
  email: string
  passwordHash: string
  firstName?: string
  lastName?: string
  emailVerified?: boolean
  now: number
}

const byId = sql<UserRow, { id: number }>('SELECT * FROM users WHERE id = $id')
const byUsername = sql<UserRow, { username: string }>('SELECT * FROM users WHERE username = $username')
const byEmail = sql<UserRow, { email: string }>('SELECT * FROM users WHERE email = $email')
const insert = sql<{ id: number }, Record<string, string | number>>(
  `INSERT INTO users (username, email, password_hash, first_name, last_name, email_verified, date_joined)
   VALUES ($username, $email, $passwordHash, $firstName, $lastName, $emailVerified, $now) RETURNING id`,
)
const byPendingEmail = sql<UserRow, { email: string }>('SELECT * FROM users WHERE pending_email = $email')
const setPassword = sql<never, { id: number; hash: string }>('UPDATE users SET password_hash = $hash WHERE id = $id')
const setProfile = sql<never, { id: number; username: string; firstName: string; lastName: string }>(
  'UPDATE users SET username = $username, first_name = $firstName, last_name = $lastName WHERE id = $id',
)
const setEmail = sql<never, { id: number; email: string; verified: number }>(
  'UPDATE users SET email = $email, email_verified = $verified, pending_email = NULL WHERE id = $id',
)
const markEmailVerified = sql<never, { id: number }>('UPDATE users SET email_verified = 1 WHERE id = $id')
const setPendingEmail = sql<never, { id: number; email: string | null }>('UPDATE users SET pending_email = $email WHERE id = $id')
const setActive = sql<never, { id: number; active: number }>('UPDATE users SET is_active = $active WHERE id = $id')
const list = sql<UserRow, { limit: number }>('SELECT * FROM users ORDER BY id LIMIT $limit')
const remove = sql<never, { id: number }>('DELETE FROM users WHERE id = $id')
const touchLastLogin = sql<never, { id: number; now: number }>('UPDATE users SET last_login = $now WHERE id = $id')
// Conditional on the old hash, so a password change that raced the login is never overwritten.
const upgradeHash = sql<never, { id: number; from: string; to: string }>(
  'UPDATE users SET password_hash = $to WHERE id = $id AND password_hash = $from',
)

/** The users table, on `db` (the database or a transaction). */
export function createUsersRepo(db: Db) {
  return {
    byId: (id: number) => db.get(byId, { id }),
    /** Users waiting to switch to `email` (several may have asked; the first to verify gets it). */
    byPendingEmail: (email: string) => db.all(byPendingEmail, { email: email.toLowerCase() }),
    setPassword: (id: number, hash: string) => db.run(setPassword, { id, hash }),
    setProfile: (id: number, p: { username: string; firstName: string; lastName: string }) => db.run(setProfile, { id, ...p }),
    /** Sets the account's address (clearing any pending one) and whether it is verified. */
    setEmail: (id: number, email: string, verified: boolean) => db.run(setEmail, { id, email: email.toLowerCase(), verified: verified ? 1 : 0 }),
    markEmailVerified: (id: number) => db.run(markEmailVerified, { id }),
    setPendingEmail: (id: number, email: string | null) => db.run(setPendingEmail, { id, email: email?.toLowerCase() ?? null }),
    setActive: (id: number, active: boolean) => db.run(setActive, { id, active: active ? 1 : 0 }),
    /** Every account in id order (administration). */
    list: (limit = 100_000) => db.all(list, { limit }),
    /** Deletes the account; its sessions, tokens and keys go with it (ON DELETE CASCADE). */
    remove: (id: number) => db.run(remove, { id }),
    byUsername: (username: string) => db.get(byUsername, { username }),
    byEmail: (email: string) => db.get(byEmail, { email: email.toLowerCase() }),
    touchLastLogin: (id: number, now: number) => db.run(touchLastLogin, { id, now }),
    /** Replaces the hash only if it is still `from`; true when it did. */
    upgradePasswordHash: async (id: number, from: string, to: string) => (await db.run(upgradeHash, { id, from, to })) > 0,
    async insert(u: NewUser): Promise<number> {
      const row = await db.get(insert, {
        username: u.username,
        email: u.email.toLowerCase(),
        passwordHash: u.passwordHash,
        firstName: u.firstName ?? '',
        lastName: u.lastName ?? '',
        emailVerified: u.emailVerified ? 1 : 0,
        now: u.now,
      })
      return row!.id
    },
  }
}

export type UsersRepo = ReturnType<typeof createUsersRepo>
