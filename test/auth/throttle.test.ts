// ACCOUNT_RATE_LIMITS on login/: per client before any password work, failed logins per account key,
// the 429 answer, the setting turned off, and counters shared through the database file.
import { afterEach, describe, expect, it, spyOn } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createApp } from '../../src/app.ts'
import { createThrottle } from '../../src/auth/throttle.ts'
import { loadConfig } from '../../src/config/load.ts'
import { defaults } from '../../src/config/settings.ts'
import { silentLogger } from '../../src/http/logger.ts'
import { serve } from '../../src/http/server.ts'
import { ManualClock } from '../../src/lib/clock.ts'
import { testConfig } from '../helpers/app.ts'
import { PASSWORD, createUser, login, makeAuthApp } from './helpers.ts'
import { selectAll, selectOne, testDatabase } from '../helpers/db.ts'

const WRONG = { username: 'alice', password: 'not the password' }
const RIGHT = { username: 'alice', password: PASSWORD }
const statuses = async (n: number, send: () => Promise<Response>) => {
  const out: number[] = []
  for (let i = 0; i < n; i++) out.push((await send()).status)
  return out
}

const cleanups: (() => void)[] = []
afterEach(() => {
  for (const f of cleanups.splice(0)) f()
})

describe('login/ rate limits', () => {
  it('login is throttled per client before any password is checked', async () => {
    // Behind a trusted proxy, so that two clients can be told apart by X-Forwarded-For.
    const t = makeAuthApp({ accountRateLimits: ['login=3/m/ip'], trustedProxies: ['127.0.0.1'] })
    await createUser(t)
    const server = serve(t.app, { port: 0, hostname: '127.0.0.1', maxBodySize: 65536, accessLog: false, log: silentLogger })
    cleanups.push(() => server.stop(true))
    const from = (client: string, body: object) =>
      fetch(`http://127.0.0.1:${server.port}/api/auth/login/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': client },
        body: JSON.stringify(body),
      })

    expect(await statuses(3, () => from('203.0.113.1', WRONG))).toEqual([400, 400, 400])
    const verify = spyOn(Bun.password, 'verify')
    const hash = spyOn(Bun.password, 'hash')
    cleanups.push(() => (verify.mockRestore(), hash.mockRestore()))
    const refused = await from('203.0.113.1', RIGHT)
    expect(refused.status).toBe(429)
    expect(verify).not.toHaveBeenCalled()
    expect(hash).not.toHaveBeenCalled()
    // Another client is not affected.
    expect((await from('203.0.113.2', RIGHT)).status).toBe(200)
  })

  it("repeated failed logins lock that account's key for the window, even with the right password", async () => {
    const t = makeAuthApp({ accountRateLimits: ['login_failed=3/5m/key'] })
    await createUser(t)
    await createUser(t, { username: 'bob', email: 'bob@example.com' })
    expect(await statuses(3, () => login(t, WRONG))).toEqual([400, 400, 400])
    const locked = await login(t, RIGHT)
    expect(locked.status).toBe(429)
    expect(locked.headers.get('retry-after')).toBe('300')
    // The key is the username in any letter case; other accounts are not locked.
    expect((await login(t, { username: 'ALICE', password: PASSWORD })).status).toBe(429)
    expect((await login(t, { username: 'bob', password: PASSWORD })).status).toBe(200)
  })

  it('username, e-mail and letter-case variants of one account share one failed-login counter', async () => {
    const t = makeAuthApp({ accountRateLimits: ['login_failed=4/5m/key'] })
    await createUser(t)
    const wrong = (name: { username?: string; email?: string }) => () => login(t, { ...name, password: 'not the password' })
    expect((await wrong({ username: 'alice' })()).status).toBe(400)
    expect((await wrong({ email: 'alice@example.com' })()).status).toBe(400)
    expect((await wrong({ username: 'ALICE@Example.com' })()).status).toBe(400)
    expect((await wrong({ username: 'Alice' })()).status).toBe(400)
    // Four failures in all: every way of naming alice is now locked, the right password too.
    for (const name of [{ username: 'alice' }, { email: 'alice@example.com' }, { username: 'alice@example.com' }]) {
      expect((await login(t, { ...name, password: PASSWORD })).status).toBe(429)
    }
    // A name with no account is counted under itself, in any letter case.
    expect(await statuses(4, wrong({ username: 'Nobody' }))).toEqual([400, 400, 400, 400])
    expect((await wrong({ username: 'nobody' })()).status).toBe(429)
  })

  it('the window passes and login works again', async () => {
    const t = makeAuthApp({ accountRateLimits: ['login_failed=3/5m/key'] })
    await createUser(t)
    await statuses(3, () => login(t, WRONG))
    t.clock.advance(100)
    const still = await login(t, RIGHT)
    expect(still.status).toBe(429)
    expect(still.headers.get('retry-after')).toBe('200')
    t.clock.advance(200)
    expect((await login(t, RIGHT)).status).toBe(200)
  })

  it('a successful login clears the failure count', async () => {
    const t = makeAuthApp({ accountRateLimits: ['login_failed=3/5m/key'] })
    await createUser(t)
    expect(await statuses(2, () => login(t, WRONG))).toEqual([400, 400])
    expect((await login(t, RIGHT)).status).toBe(200)
    // Without the reset this would be the 3rd and 4th failure, and then a lock.
    expect(await statuses(2, () => login(t, WRONG))).toEqual([400, 400])
    expect((await login(t, RIGHT)).status).toBe(200)
  })

  it("successful logins do not count as failures, and do not clear the client's failures", async () => {
    const t = makeAuthApp({ accountRateLimits: ['login_failed=2/m/ip'] })
    await createUser(t)
    await createUser(t, { username: 'bob', email: 'bob@example.com' })
    const guess = () => login(t, { username: 'bob', password: 'guess' })
    expect(await statuses(5, () => login(t, RIGHT))).toEqual([200, 200, 200, 200, 200])
    expect((await guess()).status).toBe(400)
    // Logging into one's own account in between does not buy more guesses at someone else's.
    expect((await login(t, RIGHT)).status).toBe(200)
    expect(await statuses(2, guess)).toEqual([400, 429])
  })

  it('an unverified e-mail with the right password is not a failed login', async () => {
    const t = makeAuthApp({ accountRateLimits: ['login_failed=2/5m/key'], accountEmailVerification: 'mandatory' })
    await createUser(t, { verified: false })
    expect(await statuses(4, () => login(t, RIGHT))).toEqual([400, 400, 400, 400])
    expect(await (await login(t, RIGHT)).json()).toEqual({ non_field_errors: ['E-mail is not verified.'] })
  })

  it('answers 429 with the contract\'s detail and code and a Retry-After header', async () => {
    const t = makeAuthApp({ accountRateLimits: ['login=1/m/ip'] })
    await createUser(t)
    await login(t, RIGHT)
    t.clock.advance(1)
    const res = await login(t, RIGHT)
    expect(res.status).toBe(429)
    expect(res.headers.get('retry-after')).toBe('59')
    expect(res.headers.get('content-type')).toContain('application/json')
    expect(await res.json()).toEqual({ detail: 'Request was throttled. Expected available in 59 seconds.', code: 'throttled' })
  })
})

describe('the limits themselves', () => {
  it('an empty ACCOUNT_RATE_LIMITS disables throttling', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'authkit-throttle-'))
    cleanups.push(() => rmSync(cwd, { recursive: true, force: true }))
    const { config } = loadConfig({ env: { AUTHKIT_ACCOUNT_RATE_LIMITS: '' }, cwd })
    expect(config.accountRateLimits).toEqual([])
    const t = makeAuthApp({ accountRateLimits: config.accountRateLimits })
    await createUser(t)
    const tries = await statuses(40, () => login(t, WRONG))
    expect(tries.every((s) => s === 400)).toBe(true)
    expect((await login(t, RIGHT)).status).toBe(200)
    expect((await selectOne(t.deps.db, 'SELECT count(*) AS n FROM throttle'))).toEqual({ n: 0 })
  })

  it('the defaults are on outside tests: 5 failed logins lock an account key', async () => {
    const t = makeAuthApp({ accountRateLimits: defaults().accountRateLimits })
    await createUser(t)
    expect(await statuses(5, () => login(t, WRONG))).toEqual([400, 400, 400, 400, 400])
    expect((await login(t, RIGHT)).status).toBe(429)
  })

  it('limits are shared by two apps on one database file, and survive a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'authkit-throttle-'))
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    const clock = new ManualClock()
    const config = testConfig({ accountRateLimits: ['login=2/m/ip'] })
    const open = () => {
      const db = testDatabase({ path: join(dir, 'authkit.db'), clock })
      cleanups.push(() => void db.close())
      const app = createApp({ config, db, clock, log: silentLogger })
      return (body: object) => app.handle(new Request('http://localhost/api/auth/login/', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }))
    }
    const a = open()
    const b = open()
    expect((await a(WRONG)).status).toBe(400)
    expect((await b(WRONG)).status).toBe(400)
    expect((await a(WRONG)).status).toBe(429)
    expect((await b(WRONG)).status).toBe(429)
    expect((await open()(WRONG)).status).toBe(429)
  })

  it('ended windows are swept, and buckets hold no raw e-mail addresses or client addresses', async () => {
    const clock = new ManualClock()
    const db = testDatabase({ clock })
    const throttle = createThrottle({ db, clock, config: { accountRateLimits: ['signup=5/m/ip', 'signup=5/m/key'], trustedProxies: [] } })
    await throttle.count('signup', { ip: '198.51.100.7', key: 'Ann@Example.com' })
    const rows = await selectAll<{ bucket: string }>(db, 'SELECT bucket FROM throttle')
    expect(rows.length).toBe(2)
    for (const { bucket } of rows) expect(bucket).toMatch(/^[0-9a-f]{64}$/)
    clock.advance(61)
    await throttle.count('signup', { ip: '198.51.100.8' })
    expect((await selectOne(db, 'SELECT count(*) AS n FROM throttle'))).toEqual({ n: 1 })
  })

  it('the OpenAPI document lists the 429 answer on every throttled route', async () => {
    const t = makeAuthApp()
    const doc = (await (await t.req('/api/schema/')).json()) as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> }
    for (const path of ['login/', 'registration/', 'registration/resend-email/', 'password/reset/', 'password/reset/confirm/', 'password/change/']) {
      expect({ path, has429: '429' in doc.paths[`/api/auth/${path}`]!.post!.responses }).toEqual({ path, has429: true })
    }
  })
})
