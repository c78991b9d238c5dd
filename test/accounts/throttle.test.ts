// ACCOUNT_RATE_LIMITS on the accounts routes: sign-up, reset and resend mails, reset confirmation, password change.
import { describe, expect, it, spyOn } from 'bun:test'
import { type TestApp, makeTestApp } from '../helpers/app.ts'
import { mails, register, registeredAndLoggedIn, userRow } from './helpers.ts'

const SENT = { detail: 'Password reset e-mail has been sent.' }
const NEW_PASSWORD = 'quartz-Heron-57-kite'

const post = (t: TestApp, path: string, json: unknown, headers: Record<string, string> = {}) =>
  t.req(`/api/auth/${path}`, { method: 'POST', json, headers })
const mailsTo = async (t: TestApp, to: string, kind: string) => (await mails(t)).filter((m) => m.recipient === to && m.kind === kind).length

describe('accounts rate limits', () => {
  it('sign-ups are throttled per client, before the password is hashed', async () => {
    const t = makeTestApp({ accountRateLimits: ['signup=2/m/ip'] })
    expect((await register(t, { username: 'ann', email: 'ann@example.com' })).status).toBe(201)
    expect((await register(t, { username: 'bea', email: 'bea@example.com' })).status).toBe(201)
    const hash = spyOn(Bun.password, 'hash')
    const refused = await register(t, { username: 'cat', email: 'cat@example.com' })
    hash.mockRestore()
    expect(refused.status).toBe(429)
    expect(refused.headers.get('retry-after')).toBe('60')
    expect(await refused.json()).toEqual({ detail: 'Request was throttled. Expected available in 60 seconds.', code: 'throttled' })
    expect(hash).not.toHaveBeenCalled()
    expect((await userRow(t, 'cat'))).toBeNull()
    t.clock.advance(60)
    expect((await register(t, { username: 'cat', email: 'cat@example.com' })).status).toBe(201)
  })

  it('reset mails stop at the per-address limit with the same 200 answer', async () => {
    const t = makeTestApp({ accountRateLimits: ['reset_password=2/m/key'] })
    await register(t)
    const answers = []
    for (const email of ['ann@example.com', 'ANN@example.com', 'Ann@Example.com', 'ann@example.com']) {
      const res = await post(t, 'password/reset/', { email })
      answers.push([res.status, await res.text()])
    }
    expect(answers).toEqual(Array(4).fill([200, JSON.stringify(SENT)]))
    expect(await mailsTo(t, 'ann@example.com', 'password_reset')).toBe(2)
    // Unknown addresses are counted the same way and answered the same: nothing tells them apart.
    for (let i = 0; i < 3; i++) expect(await (await post(t, 'password/reset/', { email: 'nobody@example.com' })).json()).toEqual(SENT)
    t.clock.advance(60)
    await post(t, 'password/reset/', { email: 'ann@example.com' })
    expect(await mailsTo(t, 'ann@example.com', 'password_reset')).toBe(3)
  })

  it('with PASSWORD_RESET_PREVENT_ENUMERATION false, the per-address limit is a plain 429', async () => {
    const t = makeTestApp({ accountRateLimits: ['reset_password=1/m/key'], passwordResetPreventEnumeration: false })
    await register(t)
    expect((await post(t, 'password/reset/', { email: 'ann@example.com' })).status).toBe(200)
    const res = await post(t, 'password/reset/', { email: 'ann@example.com' })
    expect(res.status).toBe(429)
    expect(res.headers.get('retry-after')).toBe('60')
  })

  it('reset requests are throttled per client', async () => {
    const t = makeTestApp({ accountRateLimits: ['reset_password=2/m/ip'] })
    const statuses = []
    for (const email of ['a@example.com', 'b@example.com', 'c@example.com']) statuses.push((await post(t, 'password/reset/', { email })).status)
    expect(statuses).toEqual([200, 200, 429])
  })

  it('resent verification mails stop at the per-address limit with the same 200 answer', async () => {
    // The default: one resend per address every 3 minutes.
    const t = makeTestApp({ accountRateLimits: ['confirm_email=1/3m/key'] })
    await register(t)
    const before = await mailsTo(t, 'ann@example.com', 'verify_email')
    for (let i = 0; i < 3; i++) expect(await (await post(t, 'registration/resend-email/', { email: 'ann@example.com' })).json()).toEqual({ detail: 'ok' })
    expect(await mailsTo(t, 'ann@example.com', 'verify_email')).toBe(before + 1)
    t.clock.advance(180)
    await post(t, 'registration/resend-email/', { email: 'ANN@example.com' })
    expect(await mailsTo(t, 'ann@example.com', 'verify_email')).toBe(before + 2)
  })

  it('reset confirmations are throttled per client', async () => {
    const t = makeTestApp({ accountRateLimits: ['reset_password_from_key=2/m/ip'] })
    const attempt = () => post(t, 'password/reset/confirm/', { uid: '1', token: 'made-up', new_password1: NEW_PASSWORD, new_password2: NEW_PASSWORD })
    expect([(await attempt()).status, (await attempt()).status, (await attempt()).status]).toEqual([400, 400, 429])
  })

  it('password changes are throttled per user', async () => {
    const t = makeTestApp({ accountRateLimits: ['change_password=2/m/user'] })
    const ann = await registeredAndLoggedIn(t)
    const bea = await registeredAndLoggedIn(t, { username: 'bea', email: 'bea@example.com' })
    const change = (auth: { authorization: string }) =>
      post(t, 'password/change/', { old_password: 'wrong-old-password', new_password1: NEW_PASSWORD, new_password2: NEW_PASSWORD }, auth)
    expect([(await change(ann)).status, (await change(ann)).status, (await change(ann)).status]).toEqual([400, 400, 429])
    expect((await change(bea)).status).toBe(400)
  })
})
