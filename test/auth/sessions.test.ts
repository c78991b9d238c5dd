// Server-side sessions: revoking them (the seam password change and reset use) stops their tokens at once.
import { describe, expect, it } from 'bun:test'
import { revokeUserSessions } from '../../src/auth/sessions.ts'
import { PASSWORD, bearer, createUser, login, makeAuthApp, mintAccessToken, post } from './helpers.ts'
import { execute } from '../helpers/db.ts'

describe('sessions', () => {
  it('password change revokes the other sessions but not the current one', async () => {
    const t = makeAuthApp({ useAuthCookie: false })
    await createUser(t)
    const current = await (await login(t)).json()
    const other = await (await login(t)).json()
    const newPassword = 'a brand new passphrase 2026'
    const res = await post(
      t,
      '/api/auth/password/change/',
      { old_password: PASSWORD, new_password1: newPassword, new_password2: newPassword },
      bearer(current.access_token),
    )
    expect(res.status).toBe(200)
    expect((await t.req('/probe', { headers: bearer(current.access_token) })).status).toBe(200)
    expect((await post(t, '/api/auth/token/refresh', { refresh: current.refresh_token })).status).toBe(200)
    expect((await t.req('/probe', { headers: bearer(other.access_token) })).status).toBe(401)
    expect((await post(t, '/api/auth/token/refresh', { refresh: other.refresh_token })).status).toBe(401)
  })

  it('revokeUserSessions with `except` keeps only that session', async () => {
    const t = makeAuthApp()
    const id = await createUser(t)
    const current = await mintAccessToken(t, id)
    const other = await mintAccessToken(t, id)
    // What password change does inside its transaction.
    await t.deps.db.transaction((tx) => Promise.resolve(revokeUserSessions(tx, id, { except: current.sessionId, now: t.clock.now(), reason: 'password_change' })))

    expect((await t.req('/probe', { headers: bearer(current.token) })).status).toBe(200)
    const res = await t.req('/probe', { headers: bearer(other.token) })
    expect(res.status).toBe(401)
    expect((await res.json()).code).toBe('token_not_valid')
  })

  it('password reset revokes every session of the user and no one else', async () => {
    const t = makeAuthApp()
    const alice = await createUser(t)
    const bob = await createUser(t, { username: 'bob', email: 'bob@example.com' })
    const a1 = await mintAccessToken(t, alice)
    const a2 = await mintAccessToken(t, alice)
    const b1 = await mintAccessToken(t, bob)
    expect(await revokeUserSessions(t.deps.db, alice, { now: t.clock.now(), reason: 'password_reset' })).toBe(2)

    expect((await t.req('/probe', { headers: bearer(a1.token) })).status).toBe(401)
    expect((await t.req('/probe', { headers: bearer(a2.token) })).status).toBe(401)
    expect((await t.req('/probe', { headers: bearer(b1.token) })).status).toBe(200)
  })

  it('a deactivated user is refused even with a live session', async () => {
    const t = makeAuthApp()
    const id = await createUser(t)
    const { token } = await mintAccessToken(t, id)
    await execute(t.deps.db, 'UPDATE users SET is_active = 0 WHERE id = $id', { id })
    expect((await t.req('/probe', { headers: bearer(token) })).status).toBe(401)
  })
})
