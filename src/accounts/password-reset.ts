// Password reset: a random, single-use token (only its SHA-256 stored) mailed with the account's uid;
// confirming it sets the password, retires every other token and revokes every session of the user.
import { record as recordAudit } from '../audit/audit.ts'
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
import { hashParams, hashPassword } from '../users/passwords.ts'
import { type UserRow, createUsersRepo } from '../users/users.repo.ts'

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

  /** The user and the unused, unexpired token row; throws the contract's uid/token field errors. */
  async function findToken(uid: string, token: string): Promise<{ user: UserRow; token: PasswordResetRow }> {
    const id = userIdOf(uid)
    const user = id === null ? null : await users.byId(id)
    if (!user || user.is_active !== 1) throw invalid('uid')
    const digest = sha256(token)
    const row = (await resets.usable(user.id, clock.now())).find((r) => safeEqual(r.token_hash, digest))
    if (!row) throw invalid('token')
    return { user, token: row }
  }

  return {
    /**
     * Mails a reset link when `email` belongs to an active account. With PASSWORD_RESET_PREVENT_ENUMERATION
     * (the default) the caller answers the same either way.
     */
    async request(email: string, requestUrl: string, lang?: string): Promise<void> {
      const user = await users.byEmail(email)
      const known = user !== null && user.is_active === 1
      if (!known && !config.passwordResetPreventEnumeration) {
        throw FieldErrors.of('email', 'The email address is not assigned to any user account.')
      }
      const token = randomToken(32)
      const mailTo = (username: string, userId: number) => ({
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
        await rolledBack(db, async (tx) => {
          const now = clock.now()
          // The token's two statements (sweep, insert) as two of the same weight that touch nothing: on
          // PostgreSQL each is a round trip, and a missing one would show in the answer's time.
          const resets = tx.use(createPasswordResetsRepo)
          await resets.retireForUser(0, now)
          await resets.usable(0, now)
          await tx.use(createOutboxRepo).add(mailTo(email.split('@')[0]!, 1), now)
        })
        return
      }
      await db.transaction(async (tx) => {
        const now = clock.now()
        await tx.use(createPasswordResetsRepo).add({ userId: user.id, tokenHash: sha256(token), now, expiresAt: now + config.passwordResetTimeout * 1000 })
        await tx.use(createOutboxRepo).add({ ...mailTo(user.username, user.id), to: user.email }, now)
      })
      notifyOutbox(db)
    },

    /** True when uid and token would be accepted now (the reset page asks before showing its form). */
    async check(uid: string, token: string): Promise<boolean> {
      try {
        await findToken(uid, token)
        return true
      } catch {
        return false
      }
    },

    /** Checks uid and token (without using it), then the new password, then sets it and uses the token. */
    async confirm(input: ResetConfirmInput): Promise<void> {
      const { user, token } = await findToken(input.uid, input.token)
      assertNewPassword(input.new_password1, input.new_password2, user)

      const passwordHash = await hashPassword(input.new_password1, hashParams(config))
      await db.transaction(async (tx) => {
        const now = clock.now()
        const resets = tx.use(createPasswordResetsRepo)
        // A second confirm with the same token, racing this one, finds it used here.
        if (!(await resets.use(token.id, now))) throw invalid('token')
        await tx.use(createUsersRepo).setPassword(user.id, passwordHash)
        await resets.retireForUser(user.id, now)
        await revokeUserSessions(tx, user.id, { now, reason: 'password_reset' })
        await recordAudit(tx, { event: 'password_reset', at: now, userId: user.id })
      })
    },
  }
}

export type PasswordReset = ReturnType<typeof createPasswordReset>
