// Registration and resending the verification e-mail. The password is hashed before the transaction;
// the user, its key and its e-mail are then written together, so a failure leaves no user behind.
import { FieldErrors } from '../lib/errors.ts'
import { notifyOutbox } from '../mail/notify.ts'
import type { AccountsDeps } from './accounts.ts'
import type { EmailVerification } from './email-verification.ts'
import { asUniquenessError, uniquenessErrors } from './identity-rules.ts'
import { passwordProblems } from './password-rules.ts'
import { hashParams, hashPassword } from '../users/passwords.ts'
import { type UserRow, createUsersRepo } from '../users/users.repo.ts'

export interface RegistrationInput {
  readonly username: string
  readonly email: string
  readonly password1: string
  readonly password2: string
  readonly first_name?: string
  readonly last_name?: string
}

export function createRegistration({ config, db, clock }: AccountsDeps, verification: EmailVerification) {
  const users = createUsersRepo(db)

  return {
    /** Creates the account (unverified) and queues its verification e-mail unless verification is `none`. */
    async register(input: RegistrationInput, requestUrl: string, lang?: string): Promise<{ detail: string; user: UserRow }> {
      // Field checks first, all fields at once (DRF's order); the object-level mismatch only after them.
      const errors = await uniquenessErrors(users, { username: input.username, email: input.email })
      const problems = passwordProblems(input.password1, input)
      if (problems.length > 0) errors.password1 = problems
      if (Object.keys(errors).length > 0) throw new FieldErrors(errors)
      if (input.password1 !== input.password2) throw FieldErrors.nonField("The two password fields didn't match.")

      const passwordHash = await hashPassword(input.password1, hashParams(config))
      const mode = config.accountEmailVerification
      let user: UserRow
      try {
        user = await db.transaction(async (tx) => {
          const users = tx.use(createUsersRepo)
          const id = await users.insert({
            username: input.username,
            email: input.email,
            passwordHash,
            firstName: input.first_name,
            lastName: input.last_name,
            now: clock.now(),
          })
          const created = (await users.byId(id))!
          if (mode !== 'none') await verification.queue(tx, created, created.email, requestUrl, lang)
          return created
        })
      } catch (e) {
        throw asUniquenessError(e)
      }
      if (mode !== 'none') notifyOutbox(db)
      return { detail: mode === 'mandatory' ? 'Verification e-mail sent.' : 'Successfully registered.', user }
    },

    /**
     * Mails a fresh key when `email` is an unverified account's address or a pending new address.
     * Answers nothing either way, so the caller's response cannot tell who has an account.
     */
    async resend(email: string, requestUrl: string, lang?: string): Promise<void> {
      const queued = await db.transaction(async (tx) => {
        const users = tx.use(createUsersRepo)
        let n = 0
        const owner = await users.byEmail(email)
        if (owner && owner.is_active === 1 && owner.email_verified === 0) {
          await verification.queue(tx, owner, owner.email, requestUrl, lang)
          n++
        }
        for (const u of await users.byPendingEmail(email)) {
          if (u.is_active !== 1 || (owner && owner.id !== u.id)) continue // taken meanwhile: no point
          await verification.queue(tx, u, email, requestUrl, lang)
          n++
        }
        return n
      })
      if (queued > 0) notifyOutbox(db)
      else await verification.decoy(email, requestUrl, lang)
    },
  }
}
