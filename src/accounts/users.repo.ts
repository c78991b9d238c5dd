// SQL for the users table. Usernames and e-mails are unique regardless of case; e-mails are stored lower-cased.
import type { Database } from '../db/open.ts'

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

export function createUsersRepo(db: Database) {
  const byId = db.query<UserRow, { id: number }>('SELECT * FROM users WHERE id = $id')
  const byUsername = db.query<UserRow, { username: string }>('SELECT * FROM users WHERE username = $username')
  const byEmail = db.query<UserRow, { email: string }>('SELECT * FROM users WHERE email = $email')
  const insert = db.query<{ id: number }, Record<string, string | number>>(
    `INSERT INTO users (username, email, password_hash, first_name, last_name, email_verified, date_joined)
     VALUES ($username, $email, $passwordHash, $firstName, $lastName, $emailVerified, $now) RETURNING id`,
  )
  const byPendingEmail = db.query<UserRow, { email: string }>('SELECT * FROM users WHERE pending_email = $email')
  const setPassword = db.query<never, { id: number; hash: string }>('UPDATE users SET password_hash = $hash WHERE id = $id')
  const setProfile = db.query<never, { id: number; username: string; firstName: string; lastName: string }>(
    'UPDATE users SET username = $username, first_name = $firstName, last_name = $lastName WHERE id = $id',
  )
  const setEmail = db.query<never, { id: number; email: string; verified: number }>(
    'UPDATE users SET email = $email, email_verified = $verified, pending_email = NULL WHERE id = $id',
  )
  const markEmailVerified = db.query<never, { id: number }>('UPDATE users SET email_verified = 1 WHERE id = $id')
  const setPendingEmail = db.query<never, { id: number; email: string | null }>(
    'UPDATE users SET pending_email = $email WHERE id = $id',
  )
  return {
    byId: (id: number) => byId.get({ id }),
    /** Users waiting to switch to `email` (several may have asked; the first to verify gets it). */
    byPendingEmail: (email: string) => byPendingEmail.all({ email: email.toLowerCase() }),
    setPassword: (id: number, hash: string) => void setPassword.run({ id, hash }),
    setProfile: (id: number, p: { username: string; firstName: string; lastName: string }) => void setProfile.run({ id, ...p }),
    /** Sets the account's address (clearing any pending one) and whether it is verified. */
    setEmail: (id: number, email: string, verified: boolean) =>
      void setEmail.run({ id, email: email.toLowerCase(), verified: verified ? 1 : 0 }),
    markEmailVerified: (id: number) => void markEmailVerified.run({ id }),
    setPendingEmail: (id: number, email: string | null) => void setPendingEmail.run({ id, email: email?.toLowerCase() ?? null }),
    byUsername: (username: string) => byUsername.get({ username }),
    byEmail: (email: string) => byEmail.get({ email: email.toLowerCase() }),
    insert(u: NewUser): number {
      return insert.get({
        username: u.username,
        email: u.email.toLowerCase(),
        passwordHash: u.passwordHash,
        firstName: u.firstName ?? '',
        lastName: u.lastName ?? '',
        emailVerified: u.emailVerified ? 1 : 0,
        now: u.now,
      })!.id
    },
  }
}

export type UsersRepo = ReturnType<typeof createUsersRepo>
