// The administration commands (API.md §12): users, sessions, outbox retry and audit list, from the shell.
import { describe, expect, it } from 'bun:test'
import { createUsersRepo } from '../../src/users/users.repo.ts'
import { verifyPassword } from '../../src/users/passwords.ts'
import { createAuditRepo } from '../../src/audit/audit.repo.ts'
import { createSession } from '../../src/auth/sessions.ts'
import { createSessionsRepo } from '../../src/auth/sessions.repo.ts'
import { dbPath, openDatabase } from '../../src/db/open.ts'
import { createOutboxRepo } from '../../src/mail/outbox.repo.ts'
import { cli } from './helpers.ts'

const PASSWORD = 'correct horse battery'

/** A data directory with alice (id 1, two live sessions) and bob (id 2). */
async function withUsers() {
  const c = cli()
  expect(await c.run('users', 'create', '--username', 'alice', '--email', 'alice@example.com', '--password', PASSWORD, '--data', c.data)).toBe(0)
  expect(await c.run('users', 'create', '--username', 'bob', '--email', 'bob@example.com', '--password', PASSWORD, '--data', c.data)).toBe(0)
  await inDb(c.data, async (db) => {
    const now = Date.now()
    for (const id of ['s-one', 's-two']) await createSession(db, 1, { userAgent: 'ua', ip: '10.0.0.1' }, { id, now, expiresAt: now + 3_600_000 })
  })
  return c
}

async function inDb<T>(data: string, f: (db: ReturnType<typeof openDatabase>) => T | Promise<T>): Promise<T> {
  const db = openDatabase(dbPath(data))
  try {
    return await f(db)
  } finally {
    await db.close()
  }
}

const liveSessions = (data: string, userId: number) =>
  inDb(data, async (db) => (await createSessionsRepo(db).byUser(userId)).filter((s) => s.revoked_at === null).length)
const adminActions = (data: string) => inDb(data, async (db) => (await createAuditRepo(db).list({})).map((r) => JSON.parse(r.detail).action))

describe('authkit users (administration)', () => {
  it('users list prints every user, and --json never holds a password hash', async () => {
    const c = await withUsers()
    expect(await c.run('users', 'list', '--data', c.data)).toBe(0)
    expect(c.out()).toContain('1  alice  <alice@example.com>  (unverified)')
    expect(c.out()).toContain('2  bob  <bob@example.com>')
    const c2 = cli()
    expect(await c2.run('users', 'list', '--json', '--data', c.data)).toBe(0)
    const users = JSON.parse(c2.out())
    expect(users.map((u: { username: string }) => u.username)).toEqual(['alice', 'bob'])
    expect(c2.out()).not.toContain('argon2')
  })

  it('users show finds a user by id, username or e-mail; an unknown one exits 1', async () => {
    const c = await withUsers()
    for (const ref of ['2', 'bob', 'BOB@example.com']) {
      const r = cli()
      expect(await r.run('users', 'show', ref, '--json', '--data', c.data)).toBe(0)
      expect(JSON.parse(r.out())).toMatchObject({ id: 2, username: 'bob', is_active: true })
    }
    const r = cli()
    expect(await r.run('users', 'show', 'carol', '--data', c.data)).toBe(1)
    expect(r.err()).toContain('no user matches "carol"')
  })

  it('deactivate revokes every session, activate lets the user back in', async () => {
    const c = await withUsers()
    expect(await liveSessions(c.data, 1)).toBe(2)
    expect(await c.run('users', 'deactivate', 'alice', '--data', c.data)).toBe(0)
    expect(c.out()).toContain('deactivated user 1 alice; 2 session(s) revoked')
    expect(await liveSessions(c.data, 1)).toBe(0)
    expect((await inDb(c.data, (db) => createUsersRepo(db).byId(1)))!.is_active).toBe(0)
    expect(await c.run('users', 'activate', '1', '--data', c.data)).toBe(0)
    expect((await inDb(c.data, (db) => createUsersRepo(db).byId(1)))!.is_active).toBe(1)
    expect(await adminActions(c.data)).toEqual(['activate', 'deactivate'])
  })

  it('delete needs --yes, then removes the user and its sessions', async () => {
    const c = await withUsers()
    expect(await c.run('users', 'delete', 'alice', '--data', c.data)).toBe(2)
    expect(c.err()).toContain('add --yes')
    expect(await inDb(c.data, (db) => createUsersRepo(db).byId(1))).not.toBeNull()
    expect(await c.run('users', 'delete', 'alice', '--yes', '--data', c.data)).toBe(0)
    expect(await inDb(c.data, (db) => createUsersRepo(db).byId(1))).toBeNull()
    expect(await inDb(c.data, (db) => createSessionsRepo(db).byUser(1))).toEqual([])
    expect(await adminActions(c.data)).toEqual(['delete'])
  })

  it('set-password checks the password rules, sets it and revokes every session; the password is not in the audit log', async () => {
    const c = await withUsers()
    expect(await c.run('users', 'set-password', 'alice', '--password', 'alice', '--data', c.data)).toBe(1)
    expect(c.err()).toContain('the password is refused')
    const next = 'quartz-Heron-57-kite'
    const r = cli({ stdin: `${next}\n` })
    expect(await r.run('users', 'set-password', 'alice', '--password-stdin', '--data', c.data)).toBe(0)
    expect(r.out()).toContain('2 session(s) revoked')
    expect(await verifyPassword(next, (await inDb(c.data, (db) => createUsersRepo(db).byId(1)))!.password_hash)).toBe(true)
    expect(await liveSessions(c.data, 1)).toBe(0)
    const log = await inDb(c.data, async (db) => JSON.stringify(await createAuditRepo(db).list({})))
    expect(log).toContain('set-password')
    expect(log).not.toContain(next)
  })

  it('verify-email marks the address verified', async () => {
    const c = await withUsers()
    expect(await c.run('users', 'verify-email', 'bob', '--data', c.data)).toBe(0)
    expect((await inDb(c.data, (db) => createUsersRepo(db).byId(2)))!.email_verified).toBe(1)
  })

  it('a user command without its user is a usage error (exit 2)', async () => {
    const c = cli()
    expect(await c.run('users', 'show', '--data', c.data)).toBe(2)
    expect(c.err()).toContain('users show needs USER')
    expect(await c.run('users', 'show', 'a', 'b', '--data', c.data)).toBe(2)
    expect(c.err()).toContain('unexpected argument "b"')
  })
})

describe('authkit sessions', () => {
  it('sessions list --user shows them (--json too)', async () => {
    const c = await withUsers()
    expect(await c.run('sessions', 'list', '--user', 'alice', '--data', c.data)).toBe(0)
    expect(c.out()).toContain('s-one  live')
    const r = cli()
    expect(await r.run('sessions', 'list', '--user', 'alice', '--json', '--data', c.data)).toBe(0)
    expect(JSON.parse(r.out()).map((s: { id: string }) => s.id).sort()).toEqual(['s-one', 's-two'])
    expect(await r.run('sessions', 'list', '--data', c.data)).toBe(2)
  })

  it('sessions revoke --id ends one session, --user all of them; both or neither is a usage error', async () => {
    const c = await withUsers()
    expect(await c.run('sessions', 'revoke', '--id', 's-one', '--data', c.data)).toBe(0)
    expect(await liveSessions(c.data, 1)).toBe(1)
    expect(await c.run('sessions', 'revoke', '--id', 'nope', '--data', c.data)).toBe(1)
    expect(c.err()).toContain('no session has the id "nope"')
    expect(await c.run('sessions', 'revoke', '--user', 'alice', '--data', c.data)).toBe(0)
    expect(c.out()).toContain('revoked 1 session(s) of user 1 alice')
    expect(await liveSessions(c.data, 1)).toBe(0)
    expect(await c.run('sessions', 'revoke', '--data', c.data)).toBe(2)
    expect(await c.run('sessions', 'revoke', '--user', 'alice', '--id', 's-two', '--data', c.data)).toBe(2)
  })
})

describe('authkit outbox retry', () => {
  it('makes a failed message due again with fresh attempts; a sent or unknown one exits 1', async () => {
    const c = await withUsers()
    const [failed, sent] = await inDb(c.data, async (db) => {
      const outbox = createOutboxRepo(db)
      const a = await outbox.add({ to: 'a@example.com', subject: 's', text: 't', kind: 'test' }, 1)
      const b = await outbox.add({ to: 'b@example.com', subject: 's', text: 't', kind: 'test' }, 1)
      await outbox.markFailed(a, 'smtp down', Date.now() + 86_400_000)
      await outbox.markSent(b, 2)
      return [a, b]
    })
    expect(await c.run('outbox', 'retry', String(failed), '--data', c.data)).toBe(0)
    const row = (await inDb(c.data, (db) => createOutboxRepo(db).byId(failed)))!
    expect(row.attempts).toBe(0)
    expect(row.last_error).toBeNull()
    expect(row.next_attempt_at).toBeLessThanOrEqual(Date.now())
    expect(await c.run('outbox', 'retry', String(sent), '--data', c.data)).toBe(1)
    expect(c.err()).toContain('was sent already')
    expect(await c.run('outbox', 'retry', '999', '--data', c.data)).toBe(1)
    expect(await c.run('outbox', 'retry', 'abc', '--data', c.data)).toBe(2)
  })
})

describe('authkit audit list', () => {
  it('lists the records, filtered by user and time (--json too)', async () => {
    const c = await withUsers()
    await c.run('users', 'deactivate', 'alice', '--data', c.data)
    await c.run('users', 'verify-email', 'bob', '--data', c.data)
    const r = cli()
    expect(await r.run('audit', 'list', '--user', 'bob', '--json', '--data', c.data)).toBe(0)
    const rows = JSON.parse(r.out())
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ event: 'admin_action', user_id: 2, detail: { action: 'verify-email', via: 'cli' } })
    const all = cli()
    expect(await all.run('audit', 'list', '--since', '1h', '--data', c.data)).toBe(0)
    expect(all.out()).toContain('admin_action  user 1')
    const none = cli()
    expect(await none.run('audit', 'list', '--since', '2999-01-01T00:00:00Z', '--data', c.data)).toBe(0)
    expect(none.out()).toContain('No audit records.')
    expect(await none.run('audit', 'list', '--since', 'yesterday', '--data', c.data)).toBe(2)
    expect(none.err()).toContain('--since needs an ISO date')
  })
})
