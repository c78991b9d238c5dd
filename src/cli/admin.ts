// Administration from the shell (API.md §12): `users list|show|activate|deactivate|delete|set-password|
// verify-email`, `sessions list|revoke`, `outbox retry`, `audit list`. Lists take --json; a refusal the
// operator can fix exits 1, a malformed command line 2.
import { AdminError, type Admin, createAdmin } from '../accounts/admin.ts'
import type { UserRow } from '../users/users.repo.ts'
import { hashParams } from '../users/passwords.ts'
import { createAuditRepo } from '../audit/audit.repo.ts'
import type { SessionRow } from '../auth/sessions.repo.ts'
import type { ServerConfig } from '../config/data-dir.ts'
import { parseDuration } from '../config/settings.ts'
import { isoTime } from '../lib/clock.ts'
import { resolve } from 'node:path'
import { UsageError } from './args.ts'
import type { CliIO, Command, CommandContext } from './commands.ts'
import { openData } from './open.ts'

type AdminRun = (admin: Admin, ctx: CommandContext & { config: ServerConfig; db: Awaited<ReturnType<typeof openData>>['db'] }) => Promise<number>

/** Opens the data, runs `body` with the admin service, and turns an AdminError into its message and exit 1. */
async function withAdmin(ctx: CommandContext, body: AdminRun): Promise<number> {
  const { config, db } = await openData(ctx.settings())
  try {
    return await body(createAdmin({ db, now: () => Date.now() }), { ...ctx, config, db })
  } catch (e) {
    if (!(e instanceof AdminError)) throw e
    ctx.io.stderr(`authkit: ${e.message}\n`)
    return 1
  } finally {
    await db.close()
  }
}

const json = (io: CliIO, value: unknown) => io.stdout(`${JSON.stringify(value, null, 2)}\n`)
const when = (ms: number | null) => (ms === null ? null : isoTime(ms))

/** A user as the CLI shows it: never the password hash. */
const userView = (u: UserRow) => ({
  id: u.id,
  username: u.username,
  email: u.email,
  first_name: u.first_name,
  last_name: u.last_name,
  email_verified: u.email_verified === 1,
  is_active: u.is_active === 1,
  date_joined: isoTime(u.date_joined),
  last_login: when(u.last_login),
  pending_email: u.pending_email,
})

const sessionView = (s: SessionRow, now: number) => ({
  id: s.id,
  user_id: s.user_id,
  created_at: isoTime(s.created_at),
  last_used_at: isoTime(s.last_used_at),
  expires_at: isoTime(s.expires_at),
  state: s.revoked_at !== null ? `revoked (${s.revoked_reason ?? 'unknown'})` : s.expires_at <= now ? 'expired' : 'live',
  ip: s.ip,
  user_agent: s.user_agent,
})

/** `--since`: an ISO date/time, or a duration back from now (`1h`, `7d`). */
function parseSince(raw: string, now: number): number {
  try {
    return now - parseDuration(raw) * 1000
  } catch {
    const t = Date.parse(raw)
    if (Number.isNaN(t)) throw new UsageError(`--since needs an ISO date (2026-01-31T00:00:00Z) or a duration like 1h or 7d, not "${raw}"`)
    return t
  }
}

const userFlag = (ctx: CommandContext, command: string): string => {
  if (typeof ctx.flags.user !== 'string' || !ctx.flags.user) throw new UsageError(`${command} needs --user U (an id, username or e-mail)`)
  return ctx.flags.user
}

export const usersListCommand: Command = {
  words: ['users', 'list'],
  flags: { json: 'switch' },
  run: (ctx) =>
    withAdmin(ctx, async (admin, { io, flags }) => {
      const users = (await admin.list()).map(userView)
      if (flags.json) return json(io, users), 0
      if (users.length === 0) io.stdout('No users.\n')
      for (const u of users) {
        const marks = [u.is_active ? '' : 'inactive', u.email_verified ? 'verified' : 'unverified'].filter(Boolean).join(', ')
        io.stdout(`${u.id}  ${u.username}  <${u.email}>  (${marks})\n`)
      }
      return 0
    }),
}

export const usersShowCommand: Command = {
  words: ['users', 'show'],
  args: ['USER'],
  flags: { json: 'switch' },
  run: (ctx) =>
    withAdmin(ctx, async (admin, { io, flags }) => {
      const user = userView(await admin.findUser(ctx.args[0]!))
      if (flags.json) return json(io, user), 0
      for (const [name, value] of Object.entries(user)) io.stdout(`${name.padEnd(15)} ${value ?? '-'}\n`)
      return 0
    }),
}

const setActive = (active: boolean): Command => ({
  words: ['users', active ? 'activate' : 'deactivate'],
  args: ['USER'],
  flags: {},
  run: (ctx) =>
    withAdmin(ctx, async (admin, { io }) => {
      const user = await admin.findUser(ctx.args[0]!)
      const revoked = await admin.setActive(user, active)
      io.stdout(`${active ? 'activated' : 'deactivated'} user ${user.id} ${user.username}${active ? '' : `; ${revoked} session(s) revoked`}\n`)
      return 0
    }),
})
export const usersActivateCommand = setActive(true)
export const usersDeactivateCommand = setActive(false)

export const usersDeleteCommand: Command = {
  words: ['users', 'delete'],
  args: ['USER'],
  flags: { yes: 'switch' },
  run: (ctx) =>
    withAdmin(ctx, async (admin, { io, flags }) => {
      const user = await admin.findUser(ctx.args[0]!)
      // Irreversible: the operator says so explicitly rather than through a prompt (scripts have no tty).
      if (!flags.yes) throw new UsageError(`users delete removes ${user.username} and everything it owns for good; add --yes`)
      await admin.remove(user)
      io.stdout(`deleted user ${user.id} ${user.username}\n`)
      return 0
    }),
}

export const usersSetPasswordCommand: Command = {
  words: ['users', 'set-password'],
  args: ['USER'],
  flags: { password: 'value', 'password-stdin': 'switch' },
  run: (ctx) =>
    withAdmin(ctx, async (admin, { io, flags, config }) => {
      const ref = ctx.args[0]!
      if (typeof flags.password === 'string' && flags['password-stdin']) throw new UsageError('give --password or --password-stdin, not both')
      const password = typeof flags.password === 'string' ? flags.password : flags['password-stdin'] ? (await io.stdin()).replace(/\r?\n$/, '') : ''
      if (!password) throw new UsageError('users set-password needs --password P or --password-stdin')
      const user = await admin.findUser(ref)
      const revoked = await admin.setPassword(user, password, hashParams(config))
      io.stdout(`password set for user ${user.id} ${user.username}; ${revoked} session(s) revoked\n`)
      return 0
    }),
}

export const usersVerifyEmailCommand: Command = {
  words: ['users', 'verify-email'],
  args: ['USER'],
  flags: {},
  run: (ctx) =>
    withAdmin(ctx, async (admin, { io }) => {
      const user = await admin.findUser(ctx.args[0]!)
      await admin.verifyEmail(user)
      io.stdout(`e-mail ${user.email} of user ${user.id} ${user.username} marked verified\n`)
      return 0
    }),
}

export const sessionsListCommand: Command = {
  words: ['sessions', 'list'],
  flags: { user: 'value', json: 'switch' },
  run: (ctx) =>
    withAdmin(ctx, async (admin, { io, flags }) => {
      const user = await admin.findUser(userFlag(ctx, 'sessions list'))
      const now = Date.now()
      const sessions = (await admin.sessions(user.id)).map((s) => sessionView(s, now))
      if (flags.json) return json(io, sessions), 0
      if (sessions.length === 0) io.stdout(`User ${user.username} has no sessions.\n`)
      for (const s of sessions) io.stdout(`${s.id}  ${s.state}  since ${s.created_at}  last used ${s.last_used_at}  ${s.ip}  ${s.user_agent}\n`)
      return 0
    }),
}

export const sessionsRevokeCommand: Command = {
  words: ['sessions', 'revoke'],
  flags: { user: 'value', id: 'value' },
  run: (ctx) =>
    withAdmin(ctx, async (admin, { io, flags }) => {
      const hasUser = typeof flags.user === 'string'
      const hasId = typeof flags.id === 'string'
      if (hasUser === hasId) throw new UsageError('sessions revoke needs --user U or --id S (one of them)')
      if (hasId) {
        const revoked = await admin.revokeSession(flags.id as string)
        io.stdout(revoked ? `revoked session ${flags.id}\n` : `session ${flags.id} had already ended\n`)
        return 0
      }
      const user = await admin.findUser(flags.user as string)
      io.stdout(`revoked ${await admin.revokeUserSessions(user)} session(s) of user ${user.id} ${user.username}\n`)
      return 0
    }),
}

export const outboxRetryCommand: Command = {
  words: ['outbox', 'retry'],
  args: ['ID'],
  flags: {},
  run: (ctx) =>
    withAdmin(ctx, async (admin, { io }) => {
      const raw = ctx.args[0]!
      if (!/^\d+$/.test(raw)) throw new UsageError(`outbox retry needs a message id (a number), not "${raw}"`)
      await admin.outboxRetry(Number(raw))
      io.stdout(`message ${raw} queued again; a running server sends it within seconds\n`)
      return 0
    }),
}

export const auditListCommand: Command = {
  words: ['audit', 'list'],
  flags: { user: 'value', since: 'value', limit: 'value', json: 'switch' },
  run: (ctx) =>
    withAdmin(ctx, async (admin, { io, flags, db }) => {
      const since = typeof flags.since === 'string' ? parseSince(flags.since, Date.now()) : 0
      const limit = typeof flags.limit === 'string' ? Number(flags.limit) : 1000
      if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit needs a positive whole number')
      const userId = typeof flags.user === 'string' ? (await admin.findUser(flags.user)).id : undefined
      const rows = (await createAuditRepo(db).list({ userId, since, limit })).map((r) => ({
        id: r.id,
        at: isoTime(r.at),
        event: r.event,
        user_id: r.user_id,
        session_id: r.session_id,
        ip: r.ip,
        user_agent: r.user_agent,
        detail: JSON.parse(r.detail) as unknown,
      }))
      if (flags.json) return json(io, rows), 0
      if (rows.length === 0) io.stdout('No audit records.\n')
      for (const r of rows) io.stdout(`${r.at}  ${r.event}  user ${r.user_id ?? '-'}  ${r.ip || '-'}  ${JSON.stringify(r.detail)}\n`)
      return 0
    }),
}

export const usersImportCommand: Command = {
  words: ['users', 'import'],
  flags: { django: 'value', emails: 'value', 'dry-run': 'switch' },
  async run(ctx) {
    const { flags, io } = ctx
    if (typeof flags.django !== 'string') throw new UsageError('users import needs --django FILE (manage.py dumpdata auth.user JSON)')
    const files = [flags.django, ...(typeof flags.emails === 'string' ? [flags.emails] : [])]
    const dumps: unknown[] = []
    for (const file of files) {
      try {
        dumps.push(JSON.parse(await Bun.file(resolve(io.cwd, file)).text()))
      } catch (e) {
        io.stderr(`authkit: cannot read ${file} as JSON: ${e instanceof Error ? e.message : String(e)}\n`)
        return 1
      }
    }
    // Loaded here: its schemas are the largest of any module, and only this command needs them.
    const { importDjangoUsers, planDjangoImport } = await import('../accounts/django-import.ts')
    const plan = planDjangoImport(dumps)
    return withAdmin(ctx, async (_admin, { db }) => {
      const result = await importDjangoUsers(db, plan, { now: Date.now(), dryRun: flags['dry-run'] === true })
      if (result.problems.length > 0) {
        io.stderr(`authkit: nothing imported; fix these rows and run again:\n${result.problems.map((p) => `  ${p}\n`).join('')}`)
        return 1
      }
      const verified = plan.users.filter((u) => u.emailVerified).length
      io.stdout(`${flags['dry-run'] ? 'dry run: would import' : 'imported'} ${result.imported} user(s) (${verified} with a verified e-mail); their Django password hashes are re-hashed to argon2id at their first login\n`)
      return 0
    })
  },
}

export const ADMIN_COMMANDS: readonly Command[] = [
  usersImportCommand,
  usersListCommand,
  usersShowCommand,
  usersActivateCommand,
  usersDeactivateCommand,
  usersDeleteCommand,
  usersSetPasswordCommand,
  usersVerifyEmailCommand,
  sessionsListCommand,
  sessionsRevokeCommand,
  outboxRetryCommand,
  auditListCommand,
]
