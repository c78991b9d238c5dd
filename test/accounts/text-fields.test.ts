// Finding 10: names accepted NUL and other control characters. Every string field refuses NUL (DRF's
// CharField does); names shown to others also refuse control and text-direction characters.
import { describe, expect, it } from 'bun:test'
import { CONTROL_CHARACTERS, NULL_CHARACTERS } from '../../src/http/fields.ts'
import { makeTestApp } from '../helpers/app.ts'
import { selectOne } from '../helpers/db.ts'
import { GOOD_PASSWORD, register, registeredAndLoggedIn, userRow } from './helpers.ts'

const userCount = async (t: ReturnType<typeof makeTestApp>) => (await selectOne<{ n: number }>(t.deps.db, 'SELECT count(*) AS n FROM users'))!.n

describe('no string field accepts a NUL character', () => {
  it('registration refuses NUL in any field with "Null characters are not allowed." and creates nobody', async () => {
    const t = makeTestApp()
    for (const field of ['username', 'email', 'password1', 'first_name', 'last_name']) {
      const value = field.startsWith('password') ? `${GOOD_PASSWORD}\u0000` : field === 'email' ? 'ann\u0000@example.com' : 'an\u0000n'
      const res = await register(t, { [field]: value, ...(field === 'password1' ? { password2: value } : {}) })
      expect(res.status).toBe(400)
      const body = (await res.json()) as Record<string, string[]>
      expect({ field, messages: body[field] }).toEqual({ field, messages: expect.arrayContaining([NULL_CHARACTERS]) })
    }
    expect((await userCount(t))).toBe(0)
  })

  it('login, password reset and profile updates refuse it too', async () => {
    const t = makeTestApp()
    const auth = await registeredAndLoggedIn(t)
    const login = await t.req('/api/auth/login/', { method: 'POST', json: { username: 'ann\u0000', password: GOOD_PASSWORD } })
    expect(await login.json()).toEqual({ username: [NULL_CHARACTERS] })
    const reset = await t.req('/api/auth/password/reset/', { method: 'POST', json: { email: 'ann@example.com\u0000' } })
    expect(reset.status).toBe(400)
    expect(((await reset.json()) as Record<string, string[]>).email).toContain(NULL_CHARACTERS)
    const patch = await t.req('/api/auth/user/', { method: 'PATCH', headers: auth, json: { last_name: 'x\u0000' } })
    expect(await patch.json()).toEqual({ last_name: [NULL_CHARACTERS] })
  })
})

describe('names shown to others refuse control characters', () => {
  it('first_name and last_name refuse tabs, line breaks, escapes and text-direction overrides, and change nothing', async () => {
    const t = makeTestApp()
    const auth = await registeredAndLoggedIn(t, { first_name: 'Ann', last_name: 'Lee' })
    for (const bad of ['A\tB', 'A\nB', '\u001b[31mred', 'A\u007fB', 'A\u0085B', 'evil\u202Etxt.exe', 'A\u2066B']) {
      const res = await t.req('/api/auth/user/', { method: 'PATCH', headers: auth, json: { first_name: bad } })
      expect(res.status).toBe(400)
      expect(await res.json()).toEqual({ first_name: [CONTROL_CHARACTERS] })
    }
    expect((await register(t, { username: 'bob', email: 'bob@example.com', last_name: 'B\rC' })).status).toBe(400)
    expect((await userRow(t, 'ann'))).toMatchObject({ first_name: 'Ann', last_name: 'Lee' })
    // Letters of any script, spaces, apostrophes and joiners in names are fine.
    for (const good of ["Zoë O'Brien", 'José-María', '李 小龙', 'محمد', 'Anne\u200dMarie']) {
      const res = await t.req('/api/auth/user/', { method: 'PATCH', headers: auth, json: { first_name: good } })
      expect({ good, status: res.status }).toEqual({ good, status: 200 })
    }
  })

  it('a username with control characters is refused by the username rule', async () => {
    const t = makeTestApp()
    const res = await register(t, { username: 'ann\tlee' })
    expect(res.status).toBe(400)
    expect(Object.keys(await res.json())).toEqual(['username'])
  })
})
