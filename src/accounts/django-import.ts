// Moving from Django (API.md §12): reads `manage.py dumpdata auth.user` JSON (and allauth's
// `account.emailaddress` for verification state), checks every row, then inserts all users in one
// transaction, keeping their Django password hashes (verified at login, re-hashed to argon2id there).
import { z } from 'zod'
import { record } from '../audit/audit.ts'
import type { Database } from '../db/engine.ts'
import { USERNAME_MAX, USERNAME_PATTERN } from './identity-rules.ts'
import { isKnownHash } from '../users/passwords.ts'
import { createUsersRepo } from '../users/users.repo.ts'

export interface DjangoUser {
  readonly djangoPk: number
  readonly username: string
  readonly email: string
  readonly passwordHash: string
  readonly firstName: string
  readonly lastName: string
  readonly isActive: boolean
  readonly emailVerified: boolean
  readonly dateJoined: number
}

export interface ImportPlan {
  readonly users: DjangoUser[]
  /** One line per refused row: `auth.user pk 7 (bob): ...`. Any problem and nothing is imported. */
  readonly problems: string[]
}

const dumpRow = z.object({ model: z.string(), pk: z.union([z.number(), z.string()]), fields: z.record(z.string(), z.unknown()) })
const userFields = z.object({
  username: z.string(),
  email: z.string(),
  password: z.string(),
  first_name: z.string().default(''),
  last_name: z.string().default(''),
  is_active: z.boolean().default(true),
  date_joined: z.string(),
})
const addressFields = z.object({ user: z.union([z.number(), z.string()]), email: z.string(), verified: z.boolean() })
const validEmail = z.email()

/** Parses the dumps (one or more JSON arrays), checks every user and lists every problem found. */
export function planDjangoImport(dumps: readonly unknown[]): ImportPlan {
  const problems: string[] = []
  const rows: z.infer<typeof dumpRow>[] = []
  for (const dump of dumps) {
    if (!Array.isArray(dump)) {
      problems.push('a file is not a dumpdata JSON array')
      continue
    }
    dump.forEach((raw, i) => {
      const r = dumpRow.safeParse(raw)
      if (r.success) rows.push(r.data)
      else problems.push(`entry ${i}: not a dumpdata row (model, pk, fields)`)
    })
  }
  // allauth: an address counts as verified for the user whose current e-mail it is.
  const verified = new Set<string>()
  for (const row of rows.filter((r) => r.model === 'account.emailaddress')) {
    const a = addressFields.safeParse(row.fields)
    if (a.success && a.data.verified) verified.add(`${a.data.user}|${a.data.email.trim().toLowerCase()}`)
  }
  const users: DjangoUser[] = []
  const seenName = new Map<string, string>()
  const seenEmail = new Map<string, string>()
  for (const row of rows.filter((r) => r.model === 'auth.user')) {
    const f = userFields.safeParse(row.fields)
    const label = `auth.user pk ${row.pk}${typeof row.fields.username === 'string' ? ` (${row.fields.username})` : ''}`
    if (!f.success) {
      problems.push(`${label}: missing or malformed fields (${f.error.issues.map((i) => i.path.join('.')).join(', ')})`)
      continue
    }
    const u = f.data
    const email = u.email.trim().toLowerCase()
    const joined = Date.parse(u.date_joined)
    const why: string[] = []
    if (!u.username || u.username.length > USERNAME_MAX || !USERNAME_PATTERN.test(u.username)) why.push('username is not valid here')
    if (!validEmail.safeParse(email).success) why.push(email ? 'e-mail address is not valid' : 'has no e-mail address (authkit needs one)')
    // The hash is named by algorithm only: never echo it.
    if (!isKnownHash(u.password)) why.push(`password hash "${u.password.split('$')[0] || '(empty)'}" is not pbkdf2_sha256, argon2 or bcrypt_sha256`)
    if (Number.isNaN(joined)) why.push('date_joined is not a date')
    const dupName = seenName.get(u.username.toLowerCase())
    if (dupName) why.push(`same username as ${dupName}`)
    const dupEmail = email && seenEmail.get(email)
    if (dupEmail) why.push(`same e-mail address as ${dupEmail}`)
    seenName.set(u.username.toLowerCase(), label)
    if (email) seenEmail.set(email, label)
    if (why.length > 0) {
      problems.push(`${label}: ${why.join('; ')}`)
      continue
    }
    users.push({
      djangoPk: Number(row.pk),
      username: u.username,
      email,
      passwordHash: u.password,
      firstName: u.first_name,
      lastName: u.last_name,
      isActive: u.is_active,
      emailVerified: verified.has(`${row.pk}|${email}`),
      dateJoined: joined,
    })
  }
  if (rows.every((r) => r.model !== 'auth.user') && problems.length === 0) problems.push('no auth.user rows found')
  return { users, problems }
}

/**
 * Inserts the planned users in one transaction: a name or address already taken in authkit is a problem,
 * and any problem rolls everything back. `dryRun` checks the same and rolls back anyway.
 */
export async function importDjangoUsers(db: Database, plan: ImportPlan, opts: { now: number; dryRun?: boolean }): Promise<{ imported: number; problems: string[] }> {
  if (plan.problems.length > 0) return { imported: 0, problems: plan.problems }
  const problems: string[] = []
  const rollback = new Error('rollback')
  try {
    await db.transaction(async (tx) => {
      const users = tx.use(createUsersRepo)
      for (const u of plan.users) {
        const label = `auth.user pk ${u.djangoPk} (${u.username})`
        if (await users.byUsername(u.username)) problems.push(`${label}: username already exists in authkit`)
        else if (await users.byEmail(u.email)) problems.push(`${label}: e-mail address already registered in authkit`)
        if (problems.length > 0) continue
        const id = await users.insert({ ...u, now: u.dateJoined })
        if (!u.isActive) await users.setActive(id, false)
      }
      if (problems.length > 0 || opts.dryRun) throw rollback
      await record(tx, { event: 'admin_action', at: opts.now, detail: { action: 'users-import', source: 'django', users: plan.users.length } })
    })
  } catch (e) {
    if (e !== rollback) throw e
  }
  return { imported: problems.length > 0 ? 0 : plan.users.length, problems }
}
