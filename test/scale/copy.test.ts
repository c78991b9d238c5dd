// `authkit db copy` with real processes: a populated SQLite installation is moved to an empty PostgreSQL
// database and back, and servers on the copies accept the original password and a refresh token issued
// before the copy. Needs the test PostgreSQL (`./scripts/test --postgres`); skipped on SQLite.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { SQL, type Subprocess } from 'bun'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { GOOD_PASSWORD } from '../accounts/helpers.ts'
import { onPostgres, TEST_DATABASE_URL } from '../helpers/db.ts'
import { MIGRATIONS } from '../../src/db/migrations/index.ts'
import { migratePostgres } from '../../src/db/postgres.ts'
import { systemClock } from '../../src/lib/clock.ts'

const MAIN = join(import.meta.dir, '../../src/main.ts')
const SECRET = 'copy-test-secret-key-0123456789-abcdefghijklmn'

let cwd = ''
let url = ''
let admin: SQL

const env = (extra: Record<string, string> = {}) => ({
  ...process.env,
  AUTHKIT_SECRET_KEY: SECRET,
  AUTHKIT_ARGON2_MEMORY_COST: '1024',
  AUTHKIT_ARGON2_TIME_COST: '1',
  AUTHKIT_ACCESS_LOG: 'false',
  AUTHKIT_USE_AUTH_COOKIE: 'false',
  AUTHKIT_ACCOUNT_EMAIL_VERIFICATION: 'optional',
  ...extra,
})

async function freePort(): Promise<number> {
  const s = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response() })
  const port = s.port!
  await s.stop(true)
  return port
}

/** A server on `dataDir` (its SQLite file) or, given `databaseUrl`, on PostgreSQL; stopped by `stop()`. */
async function server(dataDir: string, databaseUrl?: string) {
  const port = await freePort()
  const proc: Subprocess = Bun.spawn(['bun', MAIN, 'serve', '--host', '127.0.0.1', '--port', String(port), '--data', dataDir], {
    env: env(databaseUrl ? { AUTHKIT_DATABASE_URL: databaseUrl } : {}),
    stdout: 'ignore',
    stderr: 'pipe',
  })
  const base = `http://127.0.0.1:${port}`
  const stop = async () => {
    proc.kill('SIGTERM')
    await proc.exited
  }
  for (let i = 0; i < 150; i++) {
    if (await fetch(`${base}/healthz`).then((r) => r.ok, () => false)) {
      const post = (path: string, json: unknown) =>
        fetch(`${base}/api/auth/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(json) })
      return { base, post, stop }
    }
    await Bun.sleep(100)
  }
  await stop()
  throw new Error(`server did not start: ${await new Response(proc.stderr as ReadableStream).text()}`)
}

async function cli(args: string[], extra: Record<string, string> = {}) {
  const proc = Bun.spawn(['bun', MAIN, ...args], { env: env(extra), stdout: 'pipe', stderr: 'pipe' })
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited])
  return { out, err, code }
}

async function register(post: (p: string, j: unknown) => Promise<Response>, username: string) {
  const res = await post('registration/', { username, email: `${username}@example.com`, password1: GOOD_PASSWORD, password2: GOOD_PASSWORD })
  expect(res.status).toBe(201)
}

const tokens = async (res: Response) => {
  expect(res.status).toBe(200)
  return (await res.json()) as { access_token: string; refresh_token: string }
}

const counts = async (db: SQL) =>
  Object.fromEntries(
    await Promise.all(
      ['users', 'sessions', 'refresh_tokens', 'outbox'].map(async (t) => [t, Number(((await db.unsafe(`SELECT count(*) AS n FROM ${t}`)) as { n: string }[])[0]!.n)]),
    ),
  )

describe.skipIf(!onPostgres)('authkit db copy between SQLite and PostgreSQL', () => {
  const original = () => join(cwd, 'original')
  const back = () => join(cwd, 'back')
  let refreshBeforeCopy = ''
  let refreshOnPostgres = ''

  beforeAll(async () => {
    admin = new SQL(TEST_DATABASE_URL, { max: 1 })
    const name = `copy_${process.pid}_${Date.now()}`
    await admin.unsafe(`CREATE DATABASE ${name}`)
    const u = new URL(TEST_DATABASE_URL)
    u.pathname = `/${name}`
    url = u.toString()
    cwd = mkdtempSync(join(tmpdir(), 'authkit-copy-'))
    // A populated SQLite installation: users, sessions, refresh tokens, signing keys, e-mail keys, outbox.
    const s = await server(original())
    try {
      for (const name of ['ada', 'bob', 'cy']) await register(s.post, name)
      refreshBeforeCopy = (await tokens(await s.post('login/', { username: 'ada', password: GOOD_PASSWORD }))).refresh_token
      await tokens(await s.post('login/', { username: 'bob', password: GOOD_PASSWORD }))
    } finally {
      await s.stop()
    }
  }, 60_000)

  afterAll(async () => {
    await admin?.close()
    if (cwd) rmSync(cwd, { recursive: true, force: true })
  })

  it('--to copies a populated installation into an empty PostgreSQL: original password and an earlier refresh token work there', async () => {
    const r = await cli(['db', 'copy', '--to', url, '--data', original()])
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    expect(r.out).toContain('row counts verified')
    expect(r.out).toMatch(/users: 3\n/)
    expect(r.out).not.toContain(new URL(url).password || '\u0000')

    const s = await server(join(cwd, 'pg-instance'), url)
    try {
      expect((await s.post('login/', { username: 'cy', password: GOOD_PASSWORD })).status).toBe(200)
      refreshOnPostgres = (await tokens(await s.post('token/refresh/', { refresh: refreshBeforeCopy }))).refresh_token
      // Identity sequences were advanced past the copied ids: a new account gets a fresh id.
      await register(s.post, 'dee')
    } finally {
      await s.stop()
    }
  }, 60_000)

  it('--to refuses a non-empty PostgreSQL database and leaves it unchanged', async () => {
    const target = new SQL(url, { max: 1 })
    try {
      const before = await counts(target)
      const r = await cli(['db', 'copy', '--to', url, '--data', original()])
      expect(r.code).toBe(1)
      expect(r.err).toContain('the target is not empty')
      expect(await counts(target)).toEqual(before)
    } finally {
      await target.close()
    }
  }, 60_000)

  it('--to refuses a non-empty PostgreSQL database of an older schema version without migrating it', async () => {
    const name = `copy_old_${process.pid}_${Date.now()}`
    await admin.unsafe(`CREATE DATABASE ${name}`)
    const u = new URL(TEST_DATABASE_URL)
    u.pathname = `/${name}`
    const old = new SQL(u.toString(), { max: 1 })
    try {
      const older = MIGRATIONS.postgres.length - 1
      await migratePostgres(old, name, MIGRATIONS.postgres.slice(0, older), systemClock)
      await old.unsafe(`INSERT INTO users (username, email, password_hash, date_joined) VALUES ('zed', 'zed@example.com', 'h', 1)`)
      const r = await cli(['db', 'copy', '--to', u.toString(), '--data', original()])
      expect(r.code).toBe(1)
      expect(r.err).toContain('the target is not empty: users (1)')
      const [row] = (await old.unsafe('SELECT max(version)::int AS v FROM schema_migrations')) as { v: number }[]
      expect(row!.v).toBe(older)
    } finally {
      await old.close()
    }
  }, 60_000)

  it('--from copies PostgreSQL into a new SQLite installation: the password and the refresh token from PostgreSQL work there', async () => {
    const r = await cli(['db', 'copy', '--from', url, '--data', back()])
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    expect(r.out).toMatch(/users: 4\n/) // the three copied and dee, registered on PostgreSQL
    const s = await server(back())
    try {
      expect((await s.post('login/', { username: 'dee', password: GOOD_PASSWORD })).status).toBe(200)
      expect((await s.post('token/refresh/', { refresh: refreshOnPostgres })).status).toBe(200)
    } finally {
      await s.stop()
    }
  }, 60_000)

  it('--from refuses a non-empty SQLite installation and leaves it unchanged', async () => {
    const r = await cli(['db', 'copy', '--from', url, '--data', original()])
    expect(r.code).toBe(1)
    expect(r.err).toContain('the target is not empty')
    const s = await server(original())
    try {
      // Still the original: dee (registered only on PostgreSQL) is not there; ada logs in.
      expect((await s.post('login/', { username: 'dee', password: GOOD_PASSWORD })).status).toBe(400)
      expect((await s.post('login/', { username: 'ada', password: GOOD_PASSWORD })).status).toBe(200)
    } finally {
      await s.stop()
    }
  }, 60_000)
})
