// Moving from Django: users imported from dumpdata JSON (hashes made by Django's own hashers, see
// test/fixtures/django-users.py) log in with their old passwords, and are re-hashed to argon2id.
import { describe, expect, it } from 'bun:test'
import { join } from 'node:path'
import { importDjangoUsers, planDjangoImport } from '../../src/accounts/django-import.ts'
import { createUsersRepo } from '../../src/users/users.repo.ts'
import { makeTestApp } from '../helpers/app.ts'
import { selectAll } from '../helpers/db.ts'
import { cli } from '../cli/helpers.ts'

const FIXTURE = join(import.meta.dir, '..', 'fixtures', 'django-users.json')
const fixture = async () => (await Bun.file(FIXTURE).json()) as { model: string; pk: number; fields: Record<string, unknown> }[]
const PASSWORDS: Record<string, string> = {
  ada: 'Analytical-Engine-1843', // pbkdf2_sha256
  grace: 'COBOL-compiler-1959!', // argon2 (argon2id)
  alan: 'Enigma-bombe-Hut8', // argon2 (argon2i)
}

async function imported() {
  // 'optional': grace's address is unverified (allauth said so), which 'mandatory' would refuse at login.
  const t = makeTestApp({ useAuthCookie: false, accountEmailVerification: 'optional' })
  const result = await importDjangoUsers(t.deps.db, planDjangoImport([await fixture()]), { now: t.clock.now() })
  expect(result).toEqual({ imported: 4, problems: [] })
  return t
}
const login = (t: ReturnType<typeof makeTestApp>, username: string, password: string) =>
  t.req('/api/auth/login/', { method: 'POST', json: { username, password } })

describe('users import --django', () => {
  it('imported Django users log in with their original passwords and are re-hashed to argon2id', async () => {
    const t = await imported()
    const users = createUsersRepo(t.deps.db)
    for (const [username, password] of Object.entries(PASSWORDS)) {
      const before = (await users.byUsername(username))!.password_hash
      expect(before).toMatch(/^(pbkdf2_sha256|argon2)\$/)
      const res = await login(t, username, password)
      expect(res.status).toBe(200)
      expect((await res.json()).user.username).toBe(username)
      expect((await users.byUsername(username))!.password_hash).toStartWith('$argon2id$')
      expect((await login(t, username, password)).status).toBe(200) // and again, on the new hash
    }
  })

  it('an imported Django hash refuses a wrong password', async () => {
    const t = await imported()
    for (const username of Object.keys(PASSWORDS)) {
      expect((await login(t, username, `${PASSWORDS[username]}x`)).status).toBe(400)
      expect((await createUsersRepo(t.deps.db).byUsername(username))!.password_hash).not.toStartWith('$argon2id$')
    }
  })

  it('keeps bcrypt_sha256 hashes, is_active and allauth verification state', async () => {
    const t = await imported()
    const users = createUsersRepo(t.deps.db)
    const edsger = (await users.byUsername('edsger'))!
    expect(edsger.password_hash).toStartWith('bcrypt_sha256$$2b$')
    expect(edsger.is_active).toBe(0)
    expect((await users.byUsername('ada'))!.email_verified).toBe(1)
    expect((await users.byUsername('grace'))!.email_verified).toBe(0)
    expect((await users.byUsername('grace'))!.email).toBe('grace@example.com')
    // An inactive account cannot log in; activated, its bcrypt_sha256 password works.
    expect((await login(t, 'edsger', 'goto-considered-harmful')).status).toBe(400)
    await users.setActive(edsger.id, true)
    expect((await login(t, 'edsger', 'goto-considered-harmful')).status).toBe(200)
  })

  it('bad rows and duplicates are reported and nothing is half-imported', async () => {
    const rows = await fixture()
    const bad = [
      ...rows,
      { model: 'auth.user', pk: 9, fields: { ...rows[0]!.fields, username: 'ADA', email: 'other@example.com' } },
      { model: 'auth.user', pk: 10, fields: { ...rows[0]!.fields, username: 'md5user', email: 'md5@example.com', password: 'md5$salt$abc' } },
      { model: 'auth.user', pk: 11, fields: { ...rows[0]!.fields, username: 'noemail', email: '' } },
    ]
    const plan = planDjangoImport([bad])
    expect(plan.problems).toEqual([
      'auth.user pk 9 (ADA): same username as auth.user pk 1 (ada)',
      'auth.user pk 10 (md5user): password hash "md5" is not pbkdf2_sha256, argon2 or bcrypt_sha256',
      'auth.user pk 11 (noemail): has no e-mail address (authkit needs one)',
    ])
    const t = makeTestApp()
    expect((await importDjangoUsers(t.deps.db, plan, { now: 1 })).imported).toBe(0)
    expect(await selectAll(t.deps.db, 'SELECT id FROM users')).toEqual([])
    // A name already taken in authkit: checked in the transaction, which is rolled back whole.
    await createUsersRepo(t.deps.db).insert({ username: 'alan', email: 'alan@elsewhere.example', passwordHash: 'x', now: 1 })
    const again = await importDjangoUsers(t.deps.db, planDjangoImport([rows]), { now: 1 })
    expect(again).toEqual({ imported: 0, problems: ['auth.user pk 3 (alan): username already exists in authkit'] })
    expect((await selectAll(t.deps.db, 'SELECT id FROM users')).length).toBe(1)
  })

  it('the CLI imports the fixture (dry run first), and refuses bad input with exit 1 or 2', async () => {
    const c = cli()
    expect(await c.run('users', 'import', '--django', FIXTURE, '--dry-run', '--data', c.data)).toBe(0)
    expect(c.out()).toContain('dry run: would import 4 user(s) (3 with a verified e-mail)')
    expect(await c.run('users', 'list', '--data', c.data)).toBe(0)
    expect(c.out()).toContain('No users.')
    expect(await c.run('users', 'import', '--django', FIXTURE, '--data', c.data)).toBe(0)
    expect(c.out()).toContain('imported 4 user(s)')
    expect(await c.run('users', 'import', '--django', FIXTURE, '--data', c.data)).toBe(1)
    expect(c.err()).toContain('nothing imported')
    expect(c.err()).toContain('auth.user pk 1 (ada): username already exists in authkit')
    expect(c.err()).not.toContain('pbkdf2_sha256$1000$') // never a hash in the output
    expect(await c.run('users', 'import', '--django', join(c.cwd, 'missing.json'), '--data', c.data)).toBe(1)
    expect(await c.run('users', 'import', '--data', c.data)).toBe(2)
  })
})
