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
  return {
    byId: (id: number) => byId.get({ id }),
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
