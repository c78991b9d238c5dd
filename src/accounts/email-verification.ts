// E-mail verification keys: issued with their e-mail (inside the caller's transaction), verified once,
// expiring after EMAIL_CONFIRMATION_EXPIRE. A key proves one address: the account's, or a pending new one.
import { record as recordAudit } from '../audit/audit.ts'
import { verifyEmailMail } from '../../views/email/verify-email.tsx'
import { notFound } from '../lib/errors.ts'
import { randomToken, sha256 } from '../lib/crypto.ts'
import { createOutboxRepo } from '../mail/outbox.repo.ts'
import type { AccountsDeps } from './accounts.ts'
import { rolledBack } from './decoy.ts'
import { createEmailConfirmationsRepo } from './email-confirmations.repo.ts'
import { createPasswordResetsRepo } from './password-resets.repo.ts'
import { verifyEmailLink } from './links.ts'
import type { Db } from '../db/engine.ts'
import { type UserRow, createUsersRepo } from '../users/users.repo.ts'

export function createEmailVerification({ config, db, clock }: AccountsDeps) {
  function mailFor(username: string, email: string, change: boolean, key: string, requestUrl: string, lang?: string) {
    const mail = verifyEmailMail({
      siteName: config.siteName,
      username,
      email,
      link: verifyEmailLink(config, requestUrl, key),
      expiresInSeconds: config.emailConfirmationExpire,
      change,
      lang,
    })
    return { to: email, ...mail, kind: change ? ('verify_email_change' as const) : ('verify_email' as const) }
  }

  return {
    /**
     * Issues a key for `email` and queues the e-mail carrying its link. Call inside the transaction of the
     * change that causes it (registration, resend, e-mail change), passing its `tx`, then ring notifyOutbox after commit.
     * `lang` is the language of the request that causes it (API.md §14).
     */
    async queue(tx: Db, user: UserRow, email: string, requestUrl: string, lang?: string): Promise<void> {
      const key = randomToken(32)
      const now = clock.now()
      await tx.use(createEmailConfirmationsRepo).add({ userId: user.id, email, keyHash: sha256(key), now, expiresAt: now + config.emailConfirmationExpire * 1000 })
      await tx.use(createOutboxRepo).add(mailFor(user.username, email, email !== user.email, key, requestUrl, lang), now)
    },

    /** The work of `queue` for an address with no account, rolled back: a resend answers in the same time either way. */
    decoy(email: string, requestUrl: string, lang?: string): Promise<void> {
      return rolledBack(db, async (tx) => {
        const now = clock.now()
        // The key's two statements (sweep, insert) as two of the same weight that touch nothing: on
        // PostgreSQL each is a round trip, and a missing one would show in the answer's time.
        const keys = tx.use(createEmailConfirmationsRepo)
        await keys.retireForUser(0, now)
        await keys.usable(sha256(randomToken(32)), now)
        await tx.use(createOutboxRepo).add(mailFor(email.split('@')[0]!, email, false, randomToken(32), requestUrl, lang), now)
      })
    },

    /** Uses a key: the address it proves becomes the account's verified address. Anything wrong is 404. */
    verify(key: string): Promise<UserRow> {
      return db.transaction(async (tx) => {
        const users = tx.use(createUsersRepo)
        const keys = tx.use(createEmailConfirmationsRepo)
        const now = clock.now()
        const row = await keys.usable(sha256(key), now)
        const user = row && (await users.byId(row.user_id))
        if (!row || !user || user.is_active !== 1) throw notFound()
        if (!(await keys.use(row.id, now))) throw notFound()
        if (row.email === user.email) {
          if (user.email_verified === 1) throw notFound()
          await users.markEmailVerified(user.id)
          await keys.retireForUser(user.id, now, row.email) // a pending change keeps its own key
        } else {
          // An e-mail change: only the change still pending counts, and only while nobody else took the address.
          if (row.email !== user.pending_email) throw notFound()
          const holder = await users.byEmail(row.email)
          if (holder && holder.id !== user.id) throw notFound()
          await users.setEmail(user.id, row.email, true)
          await recordAudit(tx, { event: 'email_changed', at: now, userId: user.id, detail: { verified: true } })
          await keys.retireForUser(user.id, now)
          await tx.use(createPasswordResetsRepo).retireForUser(user.id, now) // reset links mailed to the old address stop working
        }
        return (await users.byId(user.id))!
      })
    },
  }
}

export type EmailVerification = ReturnType<typeof createEmailVerification>
