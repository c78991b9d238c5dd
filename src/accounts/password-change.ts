// Password change for a logged-in user: checks the old password (when OLD_PASSWORD_FIELD_ENABLED), then
// sets the new one and revokes every other session; the session making the change keeps working.
import { record as recordAudit } from '../audit/audit.ts'
import { revokeUserSessions } from '../auth/sessions.ts'
import { FieldErrors } from '../lib/errors.ts'
import type { AccountsDeps } from './accounts.ts'
import { assertNewPassword } from './password-rules.ts'
import { createPasswordResetsRepo } from './password-resets.repo.ts'
import { hasUsablePassword, hashParams, hashPassword, verifyPassword } from '../users/passwords.ts'
import { type UserRow, createUsersRepo } from '../users/users.repo.ts'

export interface PasswordChangeInput {
  readonly old_password?: string
  readonly new_password1: string
  readonly new_password2: string
}

export function createPasswordChange({ config, db, clock }: AccountsDeps) {
  return {
    async change(user: UserRow, sessionId: string, input: PasswordChangeInput): Promise<void> {
      // An account without a usable password (made by social login) has no old password to give: whatever it sends
      // as old_password is not checked, and this sets its first one (as allauth's set-password does).
      if (config.oldPasswordFieldEnabled && hasUsablePassword(user.password_hash)) {
        const ok = input.old_password !== undefined && (await verifyPassword(input.old_password, user.password_hash))
        if (!ok) throw FieldErrors.of('old_password', 'Your old password was entered incorrectly. Please enter it again.')
      }
      assertNewPassword(input.new_password1, input.new_password2, user)

      const passwordHash = await hashPassword(input.new_password1, hashParams(config))
      await db.transaction(async (tx) => {
        const now = clock.now()
        await tx.use(createUsersRepo).setPassword(user.id, passwordHash)
        await tx.use(createPasswordResetsRepo).retireForUser(user.id, now) // a reset link mailed earlier must not undo this change
        await revokeUserSessions(tx, user.id, { except: sessionId, now, reason: 'password_change' })
        await recordAudit(tx, { event: 'password_changed', at: now, userId: user.id, sessionId })
      })
    },
  }
}

export type PasswordChange = ReturnType<typeof createPasswordChange>
