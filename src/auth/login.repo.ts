// SQL that login writes to the users table: last_login, and the argon2id parameter upgrade.
import type { Database } from '../db/open.ts'

export function createLoginRepo(db: Database) {
  const touchLastLogin = db.query<never, { id: number; now: number }>('UPDATE users SET last_login = $now WHERE id = $id')
  // Conditional on the old hash, so a password change that raced the login is never overwritten.
  const upgradeHash = db.query<never, { id: number; from: string; to: string }>(
    'UPDATE users SET password_hash = $to WHERE id = $id AND password_hash = $from',
  )
  return {
    touchLastLogin: (id: number, now: number) => void touchLastLogin.run({ id, now }),
    upgradePasswordHash: (id: number, from: string, to: string) => upgradeHash.run({ id, from, to }).changes > 0,
  }
}
