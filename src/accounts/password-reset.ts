// Password reset: a random, single-use token (only its SHA-256 stored) mailed with the account's uid;
// confirming it sets the password, retires every other token and revokes every session of the user.
import { passwordResetMail } from '../../views/email/password-reset.tsx'
import { revokeUserSessions } from '../auth/sessions.ts'
import { FieldErrors } from '../lib/errors.ts'
import { randomToken, safeEqual, sha256 } from '../lib/crypto.ts'
import { notifyOutbox } from '../mail/notify.ts'
import { createOutboxRepo } from '../mail/outbox.repo.ts'
import type { AccountsDeps } from './accounts.ts'
import { rolledBack } from './decoy.ts'
import { passwordResetLink } from './links.ts'
import { assertNewPassword } from './password-rules.ts'
import { type PasswordResetRow, createPasswordResetsRepo } from './password-resets.repo.ts'
import { hashParams, hashPassword } from './passwords.ts'
import { type UserRow, createUsersRepo } from './users.repo.ts'

/** The uid in reset links: the user's pk in base36, as Django's `user_pk_to_url_str` writes it. */
export const uidOf = (userId: number) => userId.toString(36)

function userIdOf(uid: string): number | null {
  if (!/^[0-9a-z]{1,10}$/i.test(uid)) return null
  const id = Number.parseInt(uid, 36)
  return Number.isSafeInteger(id) && id > 0 ? id : null
}

export interface ResetConfirmInput {
  readonly uid: string
  readonly token: string
  readonly new_password1: string
  readonly new_password2: string
}

const invalid = (field: 'uid' | 'token') => FieldErrors.of(field, 'Invalid value')

export function createPasswordReset({ config, db, clock }: AccountsDeps) {
  const users = createUsersRepo(db)
  const resets = createPasswordResetsRepo(db)
  const outbox = createOutboxRepo(db)

  /** The user and the unused, unexpired token row; throws the contract's uid/token field errors. */
  function findToken(uid: string, token: string): { user: UserRow; token: PasswordResetRow } {
    const id = userIdOf(uid)
    const user = id === null ? undefined : users.byId(id)
    if (!user || user.is_active !== 1) throw invalid('uid')
    const digest = sha256(token)
    const row = resets.usable(user.id, clock.now()).find((r) => safeEqual(r.token_hash, digest))
    if (!row) throw invalid('token')
    return { user, token: row }
  }

  return {
    /**
     * Mails a reset link when `email` belongs to an active account. With PASSWORD_RESET_PREVENT_ENUMERATION
     * (the default) the caller answers the same either way.
     */
    request(email: string, requestUrl: string, lang?: string): void {
      const user = users.byEmail(email)
      const known = user !== null && user.is_active === 1
      if (!known && !config.passwordResetPreventEnumeration) {
        throw FieldErrors.of('email', 'The email address is not assigned to any user account.')
      }
      const token = randomToken(32)
      const mailTo = (username: string, userId: number, now: number) => ({
        to: email,
        ...passwordResetMail({
          siteName: config.siteName,
          username,
          link: passwordResetLink(config, requestUrl, uidOf(userId), token),
          expiresInSeconds: config.passwordResetTimeout,
          lang,
        }),
        kind: 'password_reset' as const,
      })
      if (!known) {
        rolledBack(db, () => outbox.add(mailTo(email.split('@')[0]!, 1, clock.now()), clock.now()))
        return
      }
      db.transaction(() => {
        const now = clock.now()
        resets.add({ userId: user.id, tokenHash: sha256(token), now, expiresAt: now + config.passwordResetTimeout * 1000 })
        outbox.add({ ...mailTo(user.username, user.id, now), to: user.email }, now)
      }).immediate()
      notifyOutbox(db)
    },

    /** True when uid and token would be accepted now (the reset page asks before showing its form). */
    check(uid: string, token: string): boolean {
      try {
        findToken(uid, token)
        return true
      } catch {
        return false
      }
    },

    /** Checks uid and token (without using it), then the new password, then sets it and uses the token. */
    async confirm(input: ResetConfirmInput): Promise<void> {
      const { user, token } = findToken(input.uid, input.token)
      assertNewPassword(input.new_password1, input.new_password2, user)

      const passwordHash = await hashPassword(input.new_password1, hashParams(config))
      db.transaction(() => {
        const now = clock.now()
        // A second confirm with the same token, racing this one, finds it used here.
        if (!resets.use(token.id, now)) throw invalid('token')
        users.setPassword(user.id, passwordHash)
        resets.retireForUser(user.id, now)
        revokeUserSessions(db, user.id, { now, reason: 'password_reset' })
      }).immediate()
    },
  }
}

export type PasswordReset = ReturnType<typeof createPasswordReset>
