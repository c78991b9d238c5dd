// POST login/: credentials, login methods, the response, and what it records.
import { describe, expect, it } from 'bun:test'
import { hashPassword } from '../../src/users/passwords.ts'
import { createUsersRepo } from '../../src/users/users.repo.ts'
import { PASSWORD, bearer, createUser, login, makeAuthApp, setCookieLine, setCookies } from './helpers.ts'
import { selectOne, execute } from '../helpers/db.ts'

const INVALID = { non_field_errors: ['Unable to log in with provided credentials.'] }

describe('login', () => {
  it('answers a JWT pair, expirations and the public user', async () => {
    const t = makeAuthApp({ useAuthCookie: false })
    await createUser(t)
    const res = await login(t)
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(Object.keys(body).sort()).toEqual(['access_expiration', 'access_token', 'refresh_expiration', 'refresh_token', 'user'])
    expect(body.user).toMatchObject({ username: 'alice', email: 'alice@example.com', first_name: '', last_name: '' })
    expect(body.user.password_hash).toBeUndefined()
    expect(body.refresh_token).not.toBe('')
    expect(body.access_expiration).toBe(new Date(t.clock.now() + 300_000).toISOString())
    expect(body.refresh_expiration).toBe(new Date(t.clock.now() + 86_400_000).toISOString())
    expect((await t.req('/probe', { headers: bearer(body.access_token) })).status).toBe(200)
  })

  it('gives the same answer for an unknown user, a wrong password and an inactive account', async () => {
    const t = makeAuthApp()
    await createUser(t)
    await createUser(t, { username: 'sleepy', email: 'sleepy@example.com', active: false })
    for (const body of [
      { username: 'nobody', password: PASSWORD },
      { username: 'alice', password: 'wrong password' },
      { username: 'sleepy', password: PASSWORD },
    ]) {
      const res = await login(t, body)
      expect(res.status).toBe(400)
      expect(await res.json()).toEqual(INVALID)
      expect(res.headers.getSetCookie()).toEqual([])
    }
  })

  it('refuses an unverified e-mail when verification is mandatory, only to someone with the password', async () => {
    const t = makeAuthApp({ accountEmailVerification: 'mandatory' })
    await createUser(t, { verified: false })
    expect(await (await login(t)).json()).toEqual({ non_field_errors: ['E-mail is not verified.'] })
    expect(await (await login(t, { username: 'alice', password: 'nope' })).json()).toEqual(INVALID)
    const optional = makeAuthApp({ accountEmailVerification: 'optional' })
    await createUser(optional, { verified: false })
    expect((await login(optional)).status).toBe(200)
  })

  it('accepts username or e-mail with both methods, e-mail in any letter case', async () => {
    const t = makeAuthApp()
    await createUser(t)
    expect((await login(t, { email: 'ALICE@example.com', password: PASSWORD })).status).toBe(200)
    expect((await login(t, { username: 'Alice@Example.com', password: PASSWORD })).status).toBe(200)
    expect((await login(t, { username: 'ALICE', password: PASSWORD })).status).toBe(200)
    const neither = await login(t, { password: PASSWORD })
    expect(neither.status).toBe(400)
    expect(await neither.json()).toEqual({ non_field_errors: ['Must include either "username" or "email" and "password".'] })
  })

  it('with only username allowed, needs username and does not look up e-mails', async () => {
    const t = makeAuthApp({ accountLoginMethods: ['username'] })
    await createUser(t)
    expect(await (await login(t, { email: 'alice@example.com', password: PASSWORD })).json()).toEqual({
      username: ['This field is required.'],
    })
    expect(await (await login(t, { username: 'alice@example.com', password: PASSWORD })).json()).toEqual(INVALID)
    expect((await login(t, { username: 'alice', password: PASSWORD })).status).toBe(200)
  })

  it('with only e-mail allowed, needs a valid email', async () => {
    const t = makeAuthApp({ accountLoginMethods: ['email'] })
    await createUser(t)
    expect(await (await login(t, { username: 'alice', password: PASSWORD })).json()).toEqual({ email: ['This field is required.'] })
    expect(await (await login(t, { email: 'not-an-email', password: PASSWORD })).json()).toEqual({
      email: ['Enter a valid email address.'],
    })
    expect((await login(t, { email: 'alice@example.com', password: PASSWORD })).status).toBe(200)
  })

  it('reports missing and blank fields DRF style', async () => {
    const t = makeAuthApp()
    expect(await (await login(t, { username: 'alice' })).json()).toEqual({ password: ['This field is required.'] })
    expect(await (await login(t, { username: 'alice', password: '' })).json()).toEqual({ password: ['This field may not be blank.'] })
  })

  it('accepts a urlencoded form', async () => {
    const t = makeAuthApp()
    await createUser(t)
    const res = await t.req('/api/auth/login/', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: 'alice', password: PASSWORD }).toString(),
    })
    expect(res.status).toBe(200)
  })

  it('argon2id parameters are upgraded at login', async () => {
    const t = makeAuthApp({ argon2MemoryCost: 2048, argon2TimeCost: 2 })
    const id = await createUser(t)
    const old = await hashPassword(PASSWORD, { memoryCost: 1024, timeCost: 1 })
    await execute(t.deps.db, 'UPDATE users SET password_hash = $h WHERE id = $id', { h: old, id })
    expect((await login(t)).status).toBe(200)
    const upgraded = (await createUsersRepo(t.deps.db).byId(id))!.password_hash
    expect(upgraded).toStartWith('$argon2id$v=19$m=2048,t=2,')
    expect(await Bun.password.verify(PASSWORD, upgraded)).toBe(true)
    // A failed login changes nothing.
    await execute(t.deps.db, 'UPDATE users SET password_hash = $h WHERE id = $id', { h: old, id })
    await login(t, { username: 'alice', password: 'wrong' })
    expect((await createUsersRepo(t.deps.db).byId(id))!.password_hash).toBe(old)
  })

  it('records last_login and a session with user agent and address', async () => {
    const t = makeAuthApp()
    const id = await createUser(t)
    t.clock.advance(60)
    await login(t, undefined, { 'user-agent': 'TestBrowser/1.0' })
    expect((await createUsersRepo(t.deps.db).byId(id))!.last_login).toBe(t.clock.now())
    const session = (await selectOne(t.deps.db, 'SELECT * FROM sessions WHERE user_id = $id', { id })) as Record<string, unknown>
    expect(session).toMatchObject({ user_agent: 'TestBrowser/1.0', created_at: t.clock.now(), revoked_at: null })
  })

  it('sets HttpOnly auth cookies with the configured attributes and a readable csrftoken', async () => {
    const t = makeAuthApp({ authCookieDomain: 'example.com', authCookieSamesite: 'Strict', authJwtRefreshCookiePath: '/api/auth/' })
    await createUser(t)
    const res = await login(t)
    const body = await res.json()
    expect(body.refresh_token).toBe('')
    const cookies = setCookies(res)
    expect(cookies['auth-jwt']).toBe(body.access_token)
    const access = setCookieLine(res, 'auth-jwt')!
    expect(access).toContain('Max-Age=300')
    expect(access).toContain('HttpOnly')
    expect(access).toContain('Secure')
    expect(access).toContain('SameSite=Strict')
    expect(access).toContain('Domain=example.com')
    const refresh = setCookieLine(res, 'auth-refresh-jwt')!
    expect(refresh).toContain('Max-Age=86400')
    expect(refresh).toContain('Path=/api/auth/')
    const csrf = setCookieLine(res, 'csrftoken')!
    expect(csrf).not.toContain('HttpOnly')
    expect(cookies.csrftoken!.length).toBeGreaterThan(20)
  })

  it('shows the refresh token in the body when the cookie is readable by scripts', async () => {
    const t = makeAuthApp({ authCookieHttponly: false })
    await createUser(t)
    const res = await login(t)
    expect((await res.json()).refresh_token).toBe(setCookies(res)['auth-refresh-jwt'])
  })

  it('sets Partitioned when configured', async () => {
    const t = makeAuthApp({ authCookiePartitioned: true, authCookieSamesite: 'None' })
    await createUser(t)
    const line = setCookieLine(await login(t), 'auth-jwt')!
    expect(line).toContain('Partitioned')
    expect(line).toContain('SameSite=None')
  })
})
