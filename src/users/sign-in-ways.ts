// How many ways a user has left to sign in: the one rule behind "the last way to sign in cannot be removed".
// A usable password counts here; each feature that adds a way to sign in (social accounts, passkeys) hands
// in a count of its own, composed once in createApp, so users/ needs no feature and no feature another.
import type { Db } from '../db/engine.ts'
import { hasUsablePassword } from './passwords.ts'
import type { UserRow } from './users.repo.ts'

export const LAST_WAY_TO_SIGN_IN = 'This is your last way to sign in; set a password first.'

/** One feature's ways to sign in for a user (linked accounts, passkeys), read through the caller's transaction. */
export type WaysOf = (db: Db, userId: number) => Promise<number>

/** A user's ways to sign in: a usable password, and each feature's count. */
export type SignInWays = (db: Db, user: UserRow) => Promise<number>

/** `features`: every feature that adds a way to sign in; removing any way asks the one function this returns. */
export function countSignInWays(features: readonly WaysOf[]): SignInWays {
  return async (db, user) => {
    let ways = hasUsablePassword(user.password_hash) ? 1 : 0
    for (const waysOf of features) ways += await waysOf(db, user.id)
    return ways
  }
}

/** What social login and passkeys are built from: the app's one count of sign-in ways. */
export interface WithSignInWays {
  readonly signInWays: SignInWays
}
