// The rate limits of login/: `login` counts every attempt and `login_failed` only failures, per client
// and per account key, both decided before any password is hashed.
import { FieldErrors } from '../lib/errors.ts'
import { INVALID_CREDENTIALS } from './credentials.ts'
import type { Throttle } from './throttle.ts'

/**
 * The key failed logins are counted under: the account the body names, however it is named (username,
 * e-mail, any letter case), so alternating them gives a guesser no extra attempts; for a name with no
 * account, the name itself (trimmed; the throttle compares keys in lower case).
 */
export const loginKey = (body: { username?: string; email?: string }, account: { id: number } | null): string =>
  account ? `account:${account.id}` : `name:${(body.email || body.username || '').trim()}`

export const isBadCredentials = (e: unknown) => e instanceof FieldErrors && e.fields.non_field_errors?.[0] === INVALID_CREDENTIALS

/**
 * Runs `check` (the password check) under the login limits. The failure is counted up front and given
 * back when the attempt did not fail: counted afterwards, a burst of parallel guesses would all pass the
 * check while their failures were still being hashed. A success also clears the key's failures (not the
 * client's: logging into one's own account must not reset the guesses made at others).
 */
export async function throttledLogin<T>(throttle: Throttle, who: { ip: string; key: string }, check: () => Promise<T>): Promise<T> {
  await throttle.take('login', who)
  const failure = await throttle.take('login_failed', who)
  try {
    const user = await check()
    await throttle.clear(failure, ['key'])
    await throttle.refund(failure, ['ip'])
    return user
  } catch (e) {
    // Right password but, e.g., an unverified e-mail: not a failed guess.
    if (!isBadCredentials(e)) await throttle.refund(failure, ['ip', 'key'])
    throw e
  }
}
