// How many ways a user has left to sign in: the one rule behind "the last way to sign in cannot be removed".
import { hasUsablePassword } from '../users/passwords.ts'
import type { UserRow } from '../users/users.repo.ts'
import type { Db } from '../db/engine.ts'
import { createPasskeysRepo } from '../passkeys/passkeys.repo.ts'
import { createSocialRepo } from './social.repo.ts'

export const LAST_WAY_TO_SIGN_IN = 'This is your last way to sign in; set a password first.'

/**
 * A usable password, each linked social account, and each passkey. A feature that
 * adds a way to sign in adds its count here, so removing any of them asks one function.
 */
export async function signInWays(db: Db, user: UserRow): Promise<number> {
  const password = hasUsablePassword(user.password_hash) ? 1 : 0
  const social = await createSocialRepo(db).countOf(user.id)
  const passkeys = await createPasskeysRepo(db).countByUser(user.id)
  return password + social + passkeys
}
