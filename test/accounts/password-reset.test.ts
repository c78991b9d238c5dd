import { describe, expect, it } from 'bun:test'
import { Window } from 'happy-dom'
import { createSession } from '../../src/auth/sessions.ts'
import { type TestApp, makeTestApp } from '../helpers/app.ts'
import { GOOD_PASSWORD, form, lastMail, linkIn, mails, register, userRow } from './helpers.ts'
import { selectOne, selectAll } from '../helpers/db.ts'

const NEW_PASSWORD = 'quartz-Heron-57-kite'
const SENT = { detail: 'Password reset e-mail has been sent.' }

const requestReset = (t: TestApp, email: string) => t.req('/api/auth/password/reset/', { method: 'POST', json: { email } })
const confirm = (t: TestApp, fields: Record<string, string>) =>
  t.req('/api/auth/password/reset/confirm/', {
    method: 'POST',
    json: { new_password1: NEW_PASSWORD, new_password2: NEW_PASSWORD, ...fields },
  })

/** Registers ann, asks for a reset and returns the uid and token from the e-mail. */
async function resetLink(t: TestApp, email = 'ann@example.com') {
  if (!(await userRow(t))) await register(t)
  await requestReset(t, email)
  const link = linkIn((await lastMail(t)).text_body)
  return { link, uid: link.searchParams.get('uid')!, token: link.searchParams.get('token')! }
}

const passwordIs = async (t: TestApp, password: string) => Bun.password.verify(password, (await userRow(t))!.password_hash)

describe('POST password/reset/', () => {
  it('answers identically for known and unknown addresses; mails only the account', async () => {
    const t = makeTestApp()
    await register(t)
    const before = (await mails(t)).length
    const known = await requestReset(t, 'ANN@example.com')
    const unknown = await requestReset(t, 'nobody@example.com')
    expect(known.status).toBe(200)
    expect(unknown.status).toBe(200)
    expect(await known.text()).toBe(JSON.stringify(SENT))
    expect(await unknown.text()).toBe(JSON.stringify(SENT))
    const sent = (await mails(t)).slice(before)
    expect(sent.map((m) => [m.recipient, m.kind])).toEqual([['ann@example.com', 'password_reset']])
    expect(sent[0]!.subject).toBe('[authkit] Password Reset Email')
  })

  it('with PASSWORD_RESET_PREVENT_ENUMERATION false, an unknown address is a field error', async () => {
    const t = makeTestApp({ passwordResetPreventEnumeration: false })
    const res = await requestReset(t, 'nobody@example.com')
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ email: ['The email address is not assigned to any user account.'] })
  })

  it('the link carries uid (base36 pk) and token; FRONTEND_BASE_URL + PASSWORD_RESET_CONFIRM_PATH when configured', async () => {
    const own = makeTestApp()
    const a = await resetLink(own)
    expect(a.link.pathname).toBe('/reset-password')
    expect(a.uid).toBe((await userRow(own))!.id.toString(36))
    expect(a.token.length).toBeGreaterThanOrEqual(43)

    const front = makeTestApp({ frontendBaseUrl: 'https://app.example.com/', passwordResetConfirmPath: '/auth/reset-password' })
    const b = await resetLink(front)
    expect(`${b.link.origin}${b.link.pathname}`).toBe('https://app.example.com/auth/reset-password')
  })

  it('reset tokens are stored only as their SHA-256', async () => {
    const t = makeTestApp()
    const { token } = await resetLink(t)
    expect(JSON.stringify((await selectAll(t.deps.db, 'SELECT * FROM password_resets')))).not.toContain(token)
  })
})

describe('POST password/reset/confirm/', () => {
  it('sets the new password', async () => {
    const t = makeTestApp()
    const { uid, token } = await resetLink(t)
    const res = await confirm(t, { uid, token })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ detail: 'Password has been reset with the new password.' })
    expect(await passwordIs(t, NEW_PASSWORD)).toBe(true)
  })

  it('reset tokens are single-use', async () => {
    const t = makeTestApp()
    const { uid, token } = await resetLink(t)
    expect((await confirm(t, { uid, token })).status).toBe(200)
    const again = await confirm(t, { uid, token, new_password1: 'other-Pass-8810', new_password2: 'other-Pass-8810' })
    expect(again.status).toBe(400)
    expect(await again.json()).toEqual({ token: ['Invalid value'] })
    expect(await passwordIs(t, NEW_PASSWORD)).toBe(true)
  })

  it('reset tokens expire after PASSWORD_RESET_TIMEOUT', async () => {
    const t = makeTestApp({ passwordResetTimeout: 600 })
    const { uid, token } = await resetLink(t)
    t.clock.advance(600)
    const res = await confirm(t, { uid, token })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ token: ['Invalid value'] })

    const t2 = makeTestApp({ passwordResetTimeout: 600 })
    const fresh = await resetLink(t2)
    t2.clock.advance(599)
    expect((await confirm(t2, { uid: fresh.uid, token: fresh.token })).status).toBe(200)
  })

  it('using one reset token retires every other outstanding one', async () => {
    const t = makeTestApp()
    const first = await resetLink(t)
    const second = await resetLink(t)
    expect((await confirm(t, { uid: second.uid, token: second.token })).status).toBe(200)
    expect(await (await confirm(t, { uid: first.uid, token: first.token })).json()).toEqual({ token: ['Invalid value'] })
  })

  it('a bad uid or a bad token is "Invalid value" under its own key', async () => {
    const t = makeTestApp()
    const { uid, token } = await resetLink(t)
    for (const bad of ['zzzz', '!!', '0', 'a'.repeat(40)]) {
      expect(await (await confirm(t, { uid: bad, token })).json()).toEqual({ uid: ['Invalid value'] })
    }
    expect(await (await confirm(t, { uid, token: `${token}x` })).json()).toEqual({ token: ['Invalid value'] })
    // A token belongs to its own account only.
    await register(t, { username: 'bob', email: 'bob@example.com' })
    const bobUid = (await userRow(t, 'bob'))!.id.toString(36)
    expect(await (await confirm(t, { uid: bobUid, token })).json()).toEqual({ token: ['Invalid value'] })
    const missing = await t.req('/api/auth/password/reset/confirm', { method: 'POST', json: {} })
    expect(await missing.json()).toEqual({
      uid: ['This field is required.'],
      token: ['This field is required.'],
      new_password1: ['This field is required.'],
      new_password2: ['This field is required.'],
    })
  })

  it('a mismatch or a weak password is reported under new_password2 and leaves the token usable', async () => {
    const t = makeTestApp()
    const { uid, token } = await resetLink(t)
    const mismatch = await confirm(t, { uid, token, new_password2: `${NEW_PASSWORD}!` })
    expect(await mismatch.json()).toEqual({ new_password2: ['The two password fields didn’t match.'] })
    const weak = await confirm(t, { uid, token, new_password1: '12345', new_password2: '12345' })
    expect(await weak.json()).toEqual({
      new_password2: ['This password is too short. It must contain at least 8 characters.', 'This password is too common.', 'This password is entirely numeric.'],
    })
    const similar = await confirm(t, { uid, token, new_password1: 'ann@example', new_password2: 'ann@example' })
    expect(await similar.json()).toEqual({ new_password2: ['The password is too similar to the email address.'] })
    expect((await confirm(t, { uid, token })).status).toBe(200)
  })

  it('a reset revokes every session of the user', async () => {
    const t = makeTestApp()
    const { uid, token } = await resetLink(t)
    const id = (await userRow(t))!.id
    const now = t.clock.now()
    for (let i = 0; i < 2; i++) await createSession(t.deps.db, id, { userAgent: 'test', ip: '127.0.0.1' }, { now, expiresAt: now + 86_400_000 })
    expect((await confirm(t, { uid, token })).status).toBe(200)
    const live = (await selectOne(t.deps.db, 'SELECT COUNT(*) AS n FROM sessions WHERE user_id = $id AND revoked_at IS NULL', { id }))
    expect(live).toEqual({ n: 0 })
  })
})

describe('the reset page (no frontend configured)', () => {
  const parse = (html: string) => new new Window().DOMParser().parseFromString(html, 'text/html') as unknown as Document

  it('opening the link shows a labelled form and does not use the token; submitting it resets', async () => {
    const t = makeTestApp()
    const { link, uid, token } = await resetLink(t)
    const page = await t.req(`${link.pathname}${link.search}`)
    expect(page.status).toBe(200)
    expect(page.headers.get('referrer-policy')).toBe('no-referrer')
    const doc = parse(await page.text())
    const formEl = doc.querySelector('form')!
    expect(formEl.getAttribute('method')).toBe('post')
    expect(formEl.hasAttribute('action')).toBe(false) // posts to the page's own URL
    for (const name of ['new_password1', 'new_password2']) {
      const input = doc.querySelector<HTMLInputElement>(`input[name="${name}"]`)!
      expect(input.type).toBe('password')
      expect(doc.querySelector(`label[for="${input.id}"]`)).not.toBeNull()
    }
    expect(doc.querySelectorAll('script, link, img').length).toBe(0)
    expect(await passwordIs(t, GOOD_PASSWORD)).toBe(true)

    const weak = await t.req('/reset-password', form({ uid, token, new_password1: 'short', new_password2: 'short' }))
    expect(weak.status).toBe(400)
    const weakDoc = parse(await weak.text())
    expect(weakDoc.querySelector('#new_password2-errors')!.textContent).toContain('This password is too short.')

    const done = await t.req('/reset-password', form({ uid, token, new_password1: NEW_PASSWORD, new_password2: NEW_PASSWORD }))
    expect(done.status).toBe(200)
    expect(await done.text()).toContain('Password changed')
    expect(await passwordIs(t, NEW_PASSWORD)).toBe(true)

    const reopened = await t.req(`${link.pathname}${link.search}`)
    expect(reopened.status).toBe(400)
    expect(await reopened.text()).toContain('This link does not work')
  })

  it('escapes the values it echoes', async () => {
    const t = makeTestApp()
    const { uid } = await resetLink(t)
    const evil = '"><script>alert(1)</script>'
    const res = await t.req('/reset-password', form({ uid, token: evil, new_password1: NEW_PASSWORD, new_password2: NEW_PASSWORD }))
    expect(res.status).toBe(400)
    expect(parse(await res.text()).querySelectorAll('script').length).toBe(0)
  })
})
