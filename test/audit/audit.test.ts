// The audit log: one row per security event, written with the change it records, never holding a secret.
import { describe, expect, it } from 'bun:test'
import { createAuditRepo } from '../../src/audit/audit.repo.ts'
import { record, safeDetail } from '../../src/audit/audit.ts'
import { selectAll } from '../helpers/db.ts'
import { PASSWORD, bearer, createUser, loggedIn, login, makeAuthApp, post } from '../auth/helpers.ts'

const rows = (t: ReturnType<typeof makeAuthApp>) =>
  selectAll<{ event: string; user_id: number | null; session_id: string | null; ip: string; user_agent: string; detail: string }>(
    t.deps.db,
    'SELECT * FROM audit_log ORDER BY id',
  )

describe('audit log', () => {
  it('records a successful login with its user, session, ip and user agent', async () => {
    const t = makeAuthApp({ useAuthCookie: false })
    const { body } = await loggedIn(t, { headers: { 'user-agent': 'probe/1.0' } })
    const [row] = await rows(t)
    expect(row!.event).toBe('login_ok')
    expect(row!.user_id).toBe(Number((body.user as unknown as { pk: number }).pk))
    expect(row!.session_id).toBeString()
    expect(row!.user_agent).toBe('probe/1.0')
  })

  it('records failed and throttled logins, without the name typed', async () => {
    const t = makeAuthApp({ useAuthCookie: false, accountRateLimits: ['login_failed=2/m/key'] })
    const id = await createUser(t)
    for (let i = 0; i < 3; i++) await login(t, { username: 'alice', password: 'wrong password 1' })
    await login(t, { username: 'nobody-here', password: PASSWORD })
    const got = await rows(t)
    expect(got.map((r) => r.event)).toEqual(['login_failed', 'login_failed', 'login_throttled', 'login_failed'])
    expect(got[0]!.user_id).toBe(id)
    expect(got[3]!.user_id).toBeNull()
    expect(JSON.stringify(got)).not.toContain('nobody-here')
  })

  it('records logout of the session', async () => {
    const t = makeAuthApp({ useAuthCookie: false })
    const { body } = await loggedIn(t)
    expect((await post(t, '/api/auth/logout/', {}, bearer(body.access_token!))).status).toBe(200)
    const got = await rows(t)
    expect(got.map((r) => r.event)).toEqual(['login_ok', 'logout'])
    expect(got[1]!.session_id).toBe(got[0]!.session_id)
  })

  it('audit detail never holds a password, token or code', async () => {
    const t = makeAuthApp({ useAuthCookie: false })
    const secret = 'hunter2-very-secret'
    await record(t.deps.db, {
      event: 'admin_action',
      at: 1,
      detail: { command: 'users set-password', password: secret, new_password: secret, token: secret, refresh_token: secret, code: secret, key: secret, otp: secret },
    })
    const { body } = await loggedIn(t)
    await login(t, { username: 'alice', password: secret })
    await post(t, '/api/auth/logout/', {}, bearer(body.access_token!))
    const all = JSON.stringify(await rows(t))
    for (const s of [secret, PASSWORD, body.access_token!, body.refresh_token!]) expect(all).not.toContain(s)
    expect(JSON.parse(safeDetail({ command: 'x', password: 'p' }))).toEqual({ command: 'x' })
  })

  it('lists by user and time, and prunes in batches', async () => {
    const t = makeAuthApp()
    for (let i = 0; i < 5; i++) await record(t.deps.db, { event: 'admin_action', at: 1000 + i, userId: i % 2 })
    const repo = createAuditRepo(t.deps.db)
    expect((await repo.list({ userId: 1 })).map((r) => r.at)).toEqual([1003, 1001])
    expect((await repo.list({ since: 1003 })).length).toBe(2)
    expect(await repo.pruneBatch(1003, 2)).toBe(2)
    expect(await repo.pruneBatch(1003, 2)).toBe(1)
    expect(await repo.pruneBatch(1003, 2)).toBe(0)
  })

  it('records refresh reuse and a password change in their transactions', async () => {
    const t = makeAuthApp({ useAuthCookie: false, refreshTokenReuseInterval: 10 })
    const { body } = await loggedIn(t)
    const refresh = (token: string) => post(t, '/api/auth/token/refresh/', { refresh: token })
    await refresh(body.refresh_token!)
    t.clock.advance(11)
    expect((await refresh(body.refresh_token!)).status).toBe(401)
    const { body: again } = await loggedIn(t, { create: false })
    const NEW = 'quartz-Heron-57-kite'
    const res = await post(t, '/api/auth/password/change/', { old_password: PASSWORD, new_password1: NEW, new_password2: NEW }, bearer(again.access_token!))
    expect(res.status).toBe(200)
    const got = await rows(t)
    expect(got.map((r) => r.event)).toEqual(['login_ok', 'refresh_reuse_detected', 'login_ok', 'password_changed'])
    expect(got[1]!.session_id).toBe(got[0]!.session_id)
    expect(got[3]!.session_id).toBe(got[2]!.session_id)
    expect(JSON.stringify(got)).not.toContain(NEW)
  })
})
