// Username and e-mail rules shared by registration, profile updates and `authkit users create`:
// the allowed characters, and uniqueness regardless of letter case (reported with DRF Auth Kit's messages).
import { isUniqueViolation } from '../db/engine.ts'
import { FieldErrors } from '../lib/errors.ts'
import type { UsersRepo } from '../users/users.repo.ts'

/**
 * Django's username characters, ASCII only: COLLATE NOCASE folds only ASCII, so uniqueness stays exact.
 * It matches '' too: a blank username gets only "This field may not be blank.".
 */
export const USERNAME_PATTERN = /^[A-Za-z0-9_.@+-]*$/
export const USERNAME_MAX = 150
export const USERNAME_MESSAGE =
  'Enter a valid username. This value may contain only unaccented lowercase a-z and uppercase A-Z letters, numbers, and @/./+/-/_ characters.'

export const USERNAME_TAKEN = 'A user with that username already exists.'
export const EMAIL_TAKEN = 'A user is already registered with this e-mail address.'

/** Field errors for a username or e-mail already used by another account (`selfId` is the account itself). */
export async function uniquenessErrors(users: UsersRepo, v: { username?: string; email?: string }, selfId?: number): Promise<Record<string, string[]>> {
  const errors: Record<string, string[]> = {}
  if (v.username !== undefined) {
    const other = await users.byUsername(v.username)
    if (other && other.id !== selfId) errors.username = [USERNAME_TAKEN]
  }
  if (v.email !== undefined) {
    const other = await users.byEmail(v.email)
    if (other && other.id !== selfId) errors.email = [EMAIL_TAKEN]
  }
  return errors
}

/**
 * A concurrent request may take the name between our check and our write; the UNIQUE index then refuses
 * the row and this turns that refusal into the same field error the check gives. Other errors pass through.
 */
export function asUniquenessError(e: unknown): unknown {
  if (isUniqueViolation(e, 'users', 'username')) return FieldErrors.of('username', USERNAME_TAKEN)
  if (isUniqueViolation(e, 'users', 'email')) return FieldErrors.of('email', EMAIL_TAKEN)
  return e
}
