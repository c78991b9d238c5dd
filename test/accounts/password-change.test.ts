import { describe, expect, it } from 'bun:test'
import { type TestApp, makeTestApp } from '../helpers/app.ts'
import { GOOD_PASSWORD, lastMail, linkIn, login, registeredAndLoggedIn, userRow } from './helpers.ts'

const NEW_PASSWORD = 'quartz-Heron-57-kite'
type Auth = { authorization: string }
const change = (t: TestApp, auth: Auth, fields: Record<string, string>) =>
  t.req('/api/auth/password/change/', {
    method: 'POST',
    headers: auth,
    json: { old_password: GOOD_PASSWORD, new_password1: NEW_PASSWORD, new_password2: NEW_PASSWORD, ...fields },
  })
const me = (t: TestApp, auth: Auth) => t.req('/api/auth/user/', { headers: auth })

describe('POST password/change/', () => {
  it('needs authentication', async () => {
    const res = await makeTestApp().req('/api/auth/password/change/', {
      method: 'POST',
      json: { old_password: GOOD_PASSWORD, new_password1: NEW_PASSWORD, new_password2: NEW_PASSWORD },
    })
    expect(res.status).toBe(401)
  })

  it('saves the new password: login works with it and no longer with the old one', async () => {
    const t = makeTestApp()
    const auth = await registeredAndLoggedIn(t)
    const res = await change(t, auth, {})
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ detail: 'New password has been saved.' })
    expect((await t.req('/api/auth/login/', { method: 'POST', json: { username: 'ann', password: GOOD_PASSWORD } })).status).toBe(400)
    expect((await login(t, 'ann', NEW_PASSWORD)).authorization).toStartWith('Bearer ')
  })

  it('password change revokes every other session; the current one keeps working', async () => {
    const t = makeTestApp()
    const current = await registeredAndLoggedIn(t)
    const other = await login(t)
    expect((await me(t, other)).status).toBe(200)
    expect((await change(t, current, {})).status).toBe(200)
    expect((await me(t, current)).status).toBe(200)
    const revoked = await me(t, other)
    expect(revoked.status).toBe(401)
    expect((await revoked.json()).code).toBe('token_not_valid')
  })

  it('a wrong or missing old password', async () => {
    const t = makeTestApp()
    const auth = await registeredAndLoggedIn(t)
    const wrong = await change(t, auth, { old_password: 'not-my-password' })
    expect(wrong.status).toBe(400)
    expect(await wrong.json()).toEqual({ old_password: ['Your old password was entered incorrectly. Please enter it again.'] })
    const missing = await t.req('/api/auth/password/change/', {
      method: 'POST',
      headers: auth,
      json: { new_password1: NEW_PASSWORD, new_password2: NEW_PASSWORD },
    })
    expect(await missing.json()).toEqual({ old_password: ['This field is required.'] })
    expect(await Bun.password.verify(GOOD_PASSWORD, (await userRow(t))!.password_hash)).toBe(true)
  })

  it('without OLD_PASSWORD_FIELD_ENABLED the old password is not asked for', async () => {
    const t = makeTestApp({ oldPasswordFieldEnabled: false })
    const auth = await registeredAndLoggedIn(t)
    const res = await t.req('/api/auth/password/change/', {
      method: 'POST',
      headers: auth,
      json: { new_password1: NEW_PASSWORD, new_password2: NEW_PASSWORD },
    })
    expect(res.status).toBe(200)
  })

  it('a mismatch and the weak-password messages are reported under new_password2', async () => {
    const t = makeTestApp()
    const auth = await registeredAndLoggedIn(t, { username: 'quentin_blake', first_name: 'Marigold' })
    expect(await (await change(t, auth, { new_password2: 'something-else-1' })).json()).toEqual({
      new_password2: ['The two password fields didn’t match.'],
    })
    const cases: [string, string[]][] = [
      ['quentinblake', ['The password is too similar to the username.']],
      ['marigold!', ['The password is too similar to the first name.']],
      ['Tq9#x', ['This password is too short. It must contain at least 8 characters.']],
      ['baseball', ['This password is too common.']],
      ['4829105736193', ['This password is entirely numeric.']],
    ]
    for (const [pw, messages] of cases) {
      const res = await change(t, auth, { new_password1: pw, new_password2: pw })
      expect(res.status).toBe(400)
      expect(await res.json()).toEqual({ new_password2: messages })
    }
  })

  it('retires reset links mailed before the change', async () => {
    const t = makeTestApp()
    const auth = await registeredAndLoggedIn(t)
    await t.req('/api/auth/password/reset/', { method: 'POST', json: { email: 'ann@example.com' } })
    const link = linkIn((await lastMail(t)).text_body)
    expect((await change(t, auth, {})).status).toBe(200)
    const res = await t.req('/api/auth/password/reset/confirm/', {
      method: 'POST',
      json: { uid: link.searchParams.get('uid'), token: link.searchParams.get('token'), new_password1: 'attacker-Pass-99', new_password2: 'attacker-Pass-99' },
    })
    expect(await res.json()).toEqual({ token: ['Invalid value'] })
  })
})
