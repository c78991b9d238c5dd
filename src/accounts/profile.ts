// Profile updates (PUT/PATCH user/): names, username, and the e-mail change. With verification `none`
// the address changes at once; otherwise it waits in `pending_email` until its key is verified.
import { record as recordAudit } from '../audit/audit.ts'
import type { Db } from '../db/engine.ts'
import { FieldErrors } from '../lib/errors.ts'
import { notifyOutbox } from '../mail/notify.ts'
import type { AccountsDeps } from './accounts.ts'
import { createEmailConfirmationsRepo } from './email-confirmations.repo.ts'
import type { EmailVerification } from './email-verification.ts'
import { asUniquenessError, uniquenessErrors } from './identity-rules.ts'
import { createPasswordResetsRepo } from './password-resets.repo.ts'
import { type UserRow, createUsersRepo } from '../users/users.repo.ts'

export interface ProfileInput {
  readonly username?: string
  readonly email?: string
  readonly first_name?: string
  readonly last_name?: string
}

export function createProfile({ config, db, clock }: AccountsDeps, verification: EmailVerification) {
  const users = createUsersRepo(db)

  /** Applies an e-mail change inside the caller's transaction `tx`; true when a verification e-mail was queued. */
  async function changeEmail(tx: Db, user: UserRow, email: string, requestUrl: string, now: number, lang?: string): Promise<boolean> {
    const users = tx.use(createUsersRepo)
    const keys = tx.use(createEmailConfirmationsRepo)
    if (email === user.email) {
      // Back to the current address: a pending change is called off.
      if (user.pending_email !== null) {
        await keys.retireForUser(user.id, now, user.pending_email)
        await users.setPendingEmail(user.id, null)
      }
      return false
    }
    if (config.accountEmailVerification === 'none') {
      await users.setEmail(user.id, email, false)
      await recordAudit(tx, { event: 'email_changed', at: now, userId: user.id, detail: { verified: false } })
      await tx.use(createPasswordResetsRepo).retireForUser(user.id, now) // reset links mailed to the old address stop working
      return false
    }
    if (email === user.pending_email) return false // already waiting for that key; resend-email mails a new one
    if (user.pending_email !== null) await keys.retireForUser(user.id, now, user.pending_email)
    await users.setPendingEmail(user.id, email)
    await verification.queue(tx, (await users.byId(user.id))!, email, requestUrl, lang)
    return true
  }

  return {
    /** Updates the fields present in `input` (PUT passes a username, PATCH any subset). */
    async update(user: UserRow, input: ProfileInput, requestUrl: string, lang?: string): Promise<UserRow> {
      const errors = await uniquenessErrors(users, { username: input.username, email: input.email }, user.id)
      if (Object.keys(errors).length > 0) throw new FieldErrors(errors)
      let queued = false
      let updated: UserRow
      try {
        updated = await db.transaction(async (tx) => {
          const users = tx.use(createUsersRepo)
          const now = clock.now()
          const current = (await users.byId(user.id))!
          await users.setProfile(user.id, {
            username: input.username ?? current.username,
            firstName: input.first_name ?? current.first_name,
            lastName: input.last_name ?? current.last_name,
          })
          if (input.email !== undefined) queued = await changeEmail(tx, current, input.email, requestUrl, now, lang)
          return (await users.byId(user.id))!
        })
      } catch (e) {
        throw asUniquenessError(e)
      }
      if (queued) notifyOutbox(db)
      return updated
    },
  }
}

export type Profile = ReturnType<typeof createProfile>
