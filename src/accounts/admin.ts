// What an operator does to accounts and sessions from the shell (`authkit users|sessions|outbox ...`):
// each change and its audit row in one transaction; ending access revokes the sessions with it.
import { record } from '../audit/audit.ts'
import { revokeSession, revokeUserSessions } from '../auth/sessions.ts'
import { createSessionsRepo } from '../auth/sessions.repo.ts'
import type { Database, Db } from '../db/engine.ts'
import { createOutboxRepo } from '../mail/outbox.repo.ts'
import { passwordProblems } from './password-rules.ts'
import { type HashParams, hashPassword } from '../users/passwords.ts'
import { createPasswordResetsRepo } from './password-resets.repo.ts'
import { type UserRow, createUsersRepo } from '../users/users.repo.ts'

/** A refusal the operator can fix (unknown user, weak password): the CLI prints it and exits 1. */
export class AdminError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'AdminError'
  }
}

export interface AdminDeps {
  readonly db: Database
  readonly now: () => number
}

export function createAdmin({ db, now }: AdminDeps) {
  const users = createUsersRepo(db)

  /** Records `action` on `userId` in `tx`: the audit row of every admin change. */
  const audit = (tx: Db, action: string, userId: number | null, at: number, extra: Record<string, string | number> = {}) =>
    record(tx, { event: 'admin_action', at, userId, detail: { action, via: 'cli', ...extra } })

  /** The account named by id, username or e-mail (in that order). */
  async function findUser(ref: string): Promise<UserRow> {
    const byId = /^\d+$/.test(ref) ? await users.byId(Number(ref)) : null
    const user = byId ?? (await users.byUsername(ref)) ?? (ref.includes('@') ? await users.byEmail(ref) : null)
    if (!user) throw new AdminError(`no user matches "${ref}" (give an id, a username or an e-mail address)`)
    return user
  }

  return {
    findUser,
    list: () => users.list(),
    sessions: (userId: number) => createSessionsRepo(db).byUser(userId),

    /** Activates or deactivates; deactivating also revokes every session. Answers the sessions revoked. */
    async setActive(user: UserRow, active: boolean): Promise<number> {
      return db.transaction(async (tx) => {
        const at = now()
        await tx.use(createUsersRepo).setActive(user.id, active)
        const revoked = active ? 0 : await revokeUserSessions(tx, user.id, { now: at, reason: 'admin' })
        await audit(tx, active ? 'activate' : 'deactivate', user.id, at, { sessions_revoked: revoked })
        return revoked
      })
    },

    /** Deletes the account; its sessions, tokens and keys go with it. */
    async remove(user: UserRow): Promise<void> {
      await db.transaction(async (tx) => {
        const at = now()
        const revoked = await revokeUserSessions(tx, user.id, { now: at, reason: 'admin' })
        await tx.use(createUsersRepo).remove(user.id)
        await audit(tx, 'delete', user.id, at, { username: user.username, sessions_revoked: revoked })
      })
    },

    /** Sets a new password (the registration rules apply), retires reset links and revokes every session. */
    async setPassword(user: UserRow, password: string, params: HashParams): Promise<number> {
      const problems = passwordProblems(password, { username: user.username, email: user.email })
      if (problems.length > 0) throw new AdminError(`the password is refused: ${problems.join(' ')}`)
      const hash = await hashPassword(password, params)
      return db.transaction(async (tx) => {
        const at = now()
        await tx.use(createUsersRepo).setPassword(user.id, hash)
        await tx.use(createPasswordResetsRepo).retireForUser(user.id, at)
        const revoked = await revokeUserSessions(tx, user.id, { now: at, reason: 'admin' })
        await audit(tx, 'set-password', user.id, at, { sessions_revoked: revoked })
        return revoked
      })
    },

    async verifyEmail(user: UserRow): Promise<void> {
      await db.transaction(async (tx) => {
        await tx.use(createUsersRepo).markEmailVerified(user.id)
        await audit(tx, 'verify-email', user.id, now())
      })
    },

    /** Revokes every live session of the user; answers how many. */
    revokeUserSessions: (user: UserRow): Promise<number> =>
      db.transaction(async (tx) => {
        const at = now()
        const revoked = await revokeUserSessions(tx, user.id, { now: at, reason: 'admin' })
        await audit(tx, 'sessions-revoke', user.id, at, { sessions_revoked: revoked })
        return revoked
      }),

    /** Revokes one session by id; false when it was not live. */
    async revokeSession(sessionId: string): Promise<boolean> {
      const session = await createSessionsRepo(db).byId(sessionId)
      if (!session) throw new AdminError(`no session has the id "${sessionId}"`)
      return db.transaction(async (tx) => {
        const at = now()
        const revoked = await revokeSession(tx, sessionId, { now: at, reason: 'admin' })
        if (revoked) await record(tx, { event: 'admin_action', at, userId: session.user_id, sessionId, detail: { action: 'session-revoke', via: 'cli' } })
        return revoked
      })
    },

    /** Makes a queued or failed message due now with fresh attempts (the running server sends it). */
    async outboxRetry(id: number): Promise<void> {
      const outbox = createOutboxRepo(db)
      const row = await outbox.byId(id)
      if (!row) throw new AdminError(`no outbox message has the id ${id}`)
      if (row.sent_at !== null) throw new AdminError(`message ${id} was sent already`)
      await db.transaction(async (tx) => {
        const at = now()
        await tx.use(createOutboxRepo).retry(id, at)
        await audit(tx, 'outbox-retry', null, at, { message: id })
      })
    },
  }
}

export type Admin = ReturnType<typeof createAdmin>
