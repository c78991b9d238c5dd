// Login credentials: find the account by username or e-mail (ACCOUNT_LOGIN_METHODS) and check the
// password, with the same answer and about the same work for an unknown user, a wrong password and
// an inactive account.
import { hasUsablePassword, hashParams, hashPassword, needsRehash, verifyPassword } from '../users/passwords.ts'
import { createUsersRepo, type UserRow } from '../users/users.repo.ts'
import type { Config } from '../config/settings.ts'
import type { Database } from '../db/open.ts'
import { randomToken } from '../lib/crypto.ts'
import { FieldErrors } from '../lib/errors.ts'

export const INVALID_CREDENTIALS = 'Unable to log in with provided credentials.'
export const EMAIL_NOT_VERIFIED = 'E-mail is not verified.'

export interface LoginInput {
  readonly username?: string
  readonly email?: string
  readonly password: string
}

type CredentialConfig = Pick<Config, 'accountLoginMethods' | 'accountEmailVerification' | 'argon2MemoryCost' | 'argon2TimeCost'>

const looksLikeEmail = (s: string) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s)

export function createCredentialChecker(deps: { db: Database; config: CredentialConfig }) {
  const { config } = deps
  const users = createUsersRepo(deps.db)
  const params = hashParams(config)
  const byEmail = config.accountLoginMethods.includes('email')
  const byUsername = config.accountLoginMethods.includes('username')
  // Verified against when no account matches, so that case costs one argon2id verify too.
  let dummyHash: Promise<string> | null = null
  const dummy = () => (dummyHash ??= hashPassword(randomToken(24), params))

  async function find(input: LoginInput): Promise<UserRow | null> {
    if (byEmail && input.email) return users.byEmail(input.email)
    const name = input.username
    if (!name) return null
    // A `username` that is an e-mail address is looked up as one (then as a username, which may contain @).
    if (byEmail && looksLikeEmail(name)) return (await users.byEmail(name)) ?? (byUsername ? users.byUsername(name) : null)
    return byUsername ? users.byUsername(name) : null
  }

  return {
    /** The account the login names (by username or e-mail, as ACCOUNT_LOGIN_METHODS allow), if any. */
    find,

    /**
     * The user these credentials belong to; throws FieldErrors with the contract's messages otherwise.
     * `found` is find(input), when the caller has looked it up already.
     */
    async check(input: LoginInput, found?: UserRow | null): Promise<UserRow> {
      const user = found === undefined ? await find(input) : found
      // An account without a usable password (social login) costs the same verify against the dummy and fails.
      const usable = user !== null && hasUsablePassword(user.password_hash)
      const ok = (await verifyPassword(input.password, usable ? user.password_hash : await dummy())) && usable
      if (!user || !ok || user.is_active !== 1) throw FieldErrors.nonField(INVALID_CREDENTIALS)
      // Only said to someone who knows the password, so it reveals nothing to a guesser.
      if (config.accountEmailVerification === 'mandatory' && user.email_verified !== 1) throw FieldErrors.nonField(EMAIL_NOT_VERIFIED)
      if (needsRehash(user.password_hash, params)) {
        const upgraded = await hashPassword(input.password, params)
        await users.upgradePasswordHash(user.id, user.password_hash, upgraded)
      }
      return user
    },
  }
}

export type CredentialChecker = ReturnType<typeof createCredentialChecker>
