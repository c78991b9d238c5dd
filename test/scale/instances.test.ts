// Two real authkit processes (`bun src/main.ts serve`) on one PostgreSQL database, as behind a load
// balancer (API.md §11): revocation, refresh rotation, rate limits, key rotation and mail delivery hold
// across them. Runs with `./scripts/test --postgres` (a database needs a server); skipped on SQLite.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { SQL, type Subprocess } from 'bun'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { GOOD_PASSWORD } from '../accounts/helpers.ts'
import { onPostgres, TEST_DATABASE_URL } from '../helpers/db.ts'
import { type TestSmtp, testSmtp } from '../mail/smtp-server.ts'

const MAIN = join(import.meta.dir, '../../src/main.ts')
const SECRET = 'instances-test-secret-key-0123456789-abcdefgh'

interface Instance {
  base: string
  proc: Subprocess
}

let url = ''
let smtp: TestSmtp
let cwd = ''
const instances: Instance[] = []

async function freePort(): Promise<number> {
  const s = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response() })
  const port = s.port!
  await s.stop(true)
  return port
}

const env = () => ({
  ...process.env,
  AUTHKIT_DATABASE_URL: url,
  AUTHKIT_SECRET_KEY: SECRET,
  AUTHKIT_EMAIL_URL: smtp.url,
  AUTHKIT_ARGON2_MEMORY_COST: '1024',
  AUTHKIT_ARGON2_TIME_COST: '1',
  AUTHKIT_ACCESS_LOG: 'false',
  AUTHKIT_USE_AUTH_COOKIE: 'false', // tokens in the body, as an API client across instances holds them
  AUTHKIT_ACCOUNT_EMAIL_VERIFICATION: 'optional',
  AUTHKIT_ACCOUNT_RATE_LIMITS: 'login_failed=3/m/key',
})

async function start(): Promise<Instance> {
  const port = await freePort()
  const proc = Bun.spawn(['bun', MAIN, 'serve', '--host', '127.0.0.1', '--port', String(port), '--data', join(cwd, `data-${port}`)], {
    env: env(),
    stdout: 'ignore',
    stderr: 'pipe',
  })
  const base = `http://127.0.0.1:${port}`
  for (let i = 0; i < 150; i++) {
    const ok = await fetch(`${base}/healthz`).then((r) => r.ok, () => false)
    if (ok) return { base, proc }
    await Bun.sleep(100)
  }
  proc.kill()
  throw new Error(`instance on ${port} did not start: ${await new Response(proc.stderr as ReadableStream).text()}`)
}

const call = (i: Instance, path: string, init: { json?: unknown; headers?: Record<string, string>; method?: string } = {}) =>
  fetch(`${i.base}${path}`, {
    method: init.method ?? (init.json === undefined ? 'GET' : 'POST'),
    headers: { ...(init.json === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
    body: init.json === undefined ? undefined : JSON.stringify(init.json),
  })

async function register(i: Instance, username: string) {
  const res = await call(i, '/api/auth/registration/', {
    json: { username, email: `${username}@example.com`, password1: GOOD_PASSWORD, password2: GOOD_PASSWORD },
  })
  expect(res.status).toBe(201)
}

async function login(i: Instance, username: string, password = GOOD_PASSWORD) {
  return call(i, '/api/auth/login/', { json: { username, password } })
}

const kidOf = (jwt: string) => (JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString()) as { kid: string }).kid

describe.skipIf(!onPostgres)('two authkit processes on one PostgreSQL', () => {
  beforeAll(async () => {
    // A database of its own, so both processes work in the default schema exactly as in production.
    const admin = new SQL(TEST_DATABASE_URL, { max: 1 })
    const name = `instances_${process.pid}_${Date.now()}`
    await admin.unsafe(`CREATE DATABASE ${name}`)
    await admin.close()
    const u = new URL(TEST_DATABASE_URL)
    u.pathname = `/${name}`
    url = u.toString()
    smtp = await testSmtp()
    cwd = mkdtempSync(join(tmpdir(), 'authkit-instances-'))
    // Started together: the migrations run once, under the advisory lock.
    instances.push(...(await Promise.all([start(), start()])))
  }, 60_000)

  afterAll(async () => {
    for (const i of instances) i.proc.kill('SIGTERM')
    await Promise.all(instances.map((i) => i.proc.exited))
    await smtp?.stop()
    if (cwd) rmSync(cwd, { recursive: true, force: true })
  })

  it('a logout through one instance is refused at once by the other', async () => {
    const [a, b] = instances as [Instance, Instance]
    await register(a, 'rita')
    const { access_token } = (await (await login(a, 'rita')).json()) as { access_token: string }
    const bearer = { authorization: `Bearer ${access_token}` }
    expect((await call(b, '/api/auth/user/', { headers: bearer })).status).toBe(200)
    expect((await call(a, '/api/auth/logout/', { json: {}, headers: bearer })).status).toBe(200)
    expect((await call(b, '/api/auth/user/', { headers: bearer })).status).toBe(401)
  })

  it('a refresh token sent to both instances at once is rotated once: both get the same successor', async () => {
    const [a, b] = instances as [Instance, Instance]
    await register(b, 'rob')
    const { refresh_token } = (await (await login(b, 'rob')).json()) as { refresh_token: string }
    const [ra, rb] = await Promise.all([a, b].map((i) => call(i, '/api/auth/token/refresh/', { json: { refresh: refresh_token } })))
    expect([ra!.status, rb!.status]).toEqual([200, 200])
    const [ja, jb] = (await Promise.all([ra!.json(), rb!.json()])) as { refresh_token: string }[]
    expect(ja!.refresh_token).toBe(jb!.refresh_token)
    // The successor works once more, through either.
    expect((await call(a, '/api/auth/token/refresh/', { json: { refresh: jb!.refresh_token } })).status).toBe(200)
  })

  it('rate-limit counters are shared: failures through both instances add up', async () => {
    const [a, b] = instances as [Instance, Instance]
    await register(a, 'tess')
    const statuses = []
    for (const i of [a, b, a, b]) statuses.push((await login(i, 'tess', 'wrong password')).status)
    expect(statuses).toEqual([400, 400, 400, 429])
  })

  it('a key rotation is used by both instances within a second', async () => {
    const [a, b] = instances as [Instance, Instance]
    await register(a, 'kim')
    const before = kidOf(((await (await login(b, 'kim')).json()) as { access_token: string }).access_token)
    const rotate = Bun.spawn(['bun', MAIN, 'keys', 'rotate', '--data', join(cwd, 'data-cli')], { env: env(), stdout: 'pipe', stderr: 'pipe' })
    expect(await rotate.exited).toBe(0)
    await Bun.sleep(1100)
    for (const i of [a, b]) {
      const kid = kidOf(((await (await login(i, 'kim')).json()) as { access_token: string }).access_token)
      expect(kid).not.toBe(before)
    }
  })

  it('each mail is delivered exactly once, whichever instance queued it and both workers running', async () => {
    const [a, b] = instances as [Instance, Instance]
    const sentBefore = smtp.received.length
    const names = Array.from({ length: 8 }, (_, n) => `mail${n}`)
    await Promise.all(names.map((name, n) => register(n % 2 ? a : b, name)))
    await smtp.waitFor(sentBefore + names.length)
    await Bun.sleep(1500) // time for a second delivery, were there one
    const to = smtp.received.slice(sentBefore).map((m) => String(m.to && 'text' in m.to ? m.to.text : ''))
    expect(to.sort()).toEqual(names.map((n) => `${n}@example.com`).sort())
  })
})
