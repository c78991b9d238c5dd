// The two-step login with USE_MFA (API.md §8.1): first step, login/verify/, change-method/, resend/, and
// every property of the ephemeral token and the codes, each test named after the property it proves.
import { describe, expect, it } from 'bun:test'
import { sha256 } from '../../src/lib/crypto.ts'
import { selectAll, selectOne } from '../helpers/db.ts'
import { PASSWORD, call, client, codeAt, createUser, enrolApp, enrolEmail, login, mailedCode, mfaApp, mfaMails, post } from './helpers.ts'

const nonField = (msg: string) => ({ non_field_errors: [msg] })
const sessions = async (t: ReturnType<typeof mfaApp>) => Number((await selectOne<{ n: number }>(t.deps.db, 'SELECT COUNT(*) AS n FROM sessions'))!.n)

describe('login/ with USE_MFA', () => {
  it('a user without a primary active method gets the normal login body plus "mfa_enabled": false', async () => {
    const t = mfaApp()
    await createUser(t)
    const body = await login(t)
    expect(body.mfa_enabled).toBe(false)
    expect(typeof body.access_token).toBe('string')
    expect(body.user).toMatchObject({ username: 'alice' })
  })

  it('without USE_MFA the login body has no mfa_enabled and every MFA route is 404', async () => {
    const t = mfaApp({ useMfa: false })
    const c = await client(t)
    expect('mfa_enabled' in (await login(t))).toBe(false)
    for (const path of ['login/verify/', 'login/change-method/', 'login/resend/', 'mfa/', 'mfa/confirm/', 'mfa/delete/', 'mfa/backup-codes/regenerate/']) {
      expect((await call(c, path, {})).status).toBe(404)
    }
    expect((await t.req('/api/auth/mfa/', { headers: c.headers })).status).toBe(404)
  })

  it('no session or cookie before the second step; login/verify/ opens the session with the login cookies', async () => {
    const t = mfaApp({ useAuthCookie: true })
    const c = await client(t)
    const { secret } = await enrolApp(c)
    const before = await sessions(t)
    const first = await post(t, 'login/', { username: 'alice', password: PASSWORD })
    expect(first.status).toBe(200)
    const step = await first.json()
    expect(Object.keys(step).sort()).toEqual(['ephemeral_token', 'method', 'mfa_enabled'])
    expect(step).toMatchObject({ method: 'app', mfa_enabled: true })
    expect(first.headers.getSetCookie()).toEqual([])
    expect(await sessions(t)).toBe(before)

    const done = await post(t, 'login/verify/', { ephemeral_token: step.ephemeral_token, code: codeAt(t, secret) })
    expect(done.status).toBe(200)
    const body = await done.json()
    expect(Object.keys(body).sort()).toEqual(['access_expiration', 'access_token', 'refresh_expiration', 'refresh_token', 'user'])
    const cookies = done.headers.getSetCookie().map((l) => l.split('=')[0])
    expect(cookies).toEqual(expect.arrayContaining(['auth-jwt', 'auth-refresh-jwt', 'csrftoken']))
    expect(await sessions(t)).toBe(before + 1)
    expect((await t.req('/api/auth/user/', { headers: { authorization: `Bearer ${body.access_token}` } })).status).toBe(200)
  })

  it('login/verify/ answers the token-mode body in token mode', async () => {
    const t = mfaApp({ authType: 'token' })
    const c = await client(t)
    const { secret } = await enrolApp(c)
    const step = await login(t)
    const done = await post(t, 'login/verify/', { ephemeral_token: step.ephemeral_token, code: codeAt(t, secret) })
    expect(Object.keys(await done.json()).sort()).toEqual(['key', 'user'])
  })

  it('login CSRF: login/verify/ from a foreign Origin is refused (403) and the token survives', async () => {
    const t = mfaApp({ useAuthCookie: true })
    const c = await client(t)
    const { secret } = await enrolApp(c)
    const step = await login(t)
    const forged = await post(t, 'login/verify/', { ephemeral_token: step.ephemeral_token, code: codeAt(t, secret) }, { origin: 'https://evil.example' })
    expect(forged.status).toBe(403)
    expect((await forged.json()).code).toBe('csrf_failed')
    const ok = await post(t, 'login/verify/', { ephemeral_token: step.ephemeral_token, code: codeAt(t, secret) }, { origin: 'http://localhost' })
    expect(ok.status).toBe(200)
  })

  it('the e-mail method mails its code at the first step (kind mfa_code) and logs in with it', async () => {
    const t = mfaApp()
    const c = await client(t)
    await enrolEmail(c)
    const mails = await mfaMails(t)
    const step = await login(t)
    expect(step).toMatchObject({ method: 'email', mfa_enabled: true })
    expect(await mfaMails(t)).toBe(mails + 1)
    const done = await post(t, 'login/verify/', { ephemeral_token: step.ephemeral_token, code: await mailedCode(t) })
    expect(done.status).toBe(200)
  })

  it('a backup code logs in instead of a method code', async () => {
    const t = mfaApp()
    const c = await client(t)
    const { backupCodes } = await enrolApp(c)
    const step = await login(t)
    expect((await post(t, 'login/verify/', { ephemeral_token: step.ephemeral_token, code: backupCodes[0] })).status).toBe(200)
  })

  it('password reset keeps MFA: after a reset the login still asks for the second step', async () => {
    const t = mfaApp({ accountEmailVerification: 'none' })
    const c = await client(t)
    await enrolApp(c)
    await post(t, 'password/reset/', { email: 'alice@example.com' })
    const mail = (await selectAll<{ text_body: string }>(t.deps.db, "SELECT text_body FROM outbox WHERE kind = 'password_reset'"))[0]!
    const url = new URL(/https?:\/\/\S+/.exec(mail.text_body)![0])
    const NEW = 'A-brand-new-passphrase-77'
    const reset = await post(t, 'password/reset/confirm/', {
      uid: url.searchParams.get('uid'),
      token: url.searchParams.get('token'),
      new_password1: NEW,
      new_password2: NEW,
    })
    expect(reset.status).toBe(200)
    const step = await (await post(t, 'login/', { username: 'alice', password: NEW })).json()
    expect(step).toMatchObject({ mfa_enabled: true, method: 'app' })
  })
})

describe('the second step: messages', () => {
  it('missing fields, a bad token, a wrong code, an unknown method: the contract messages', async () => {
    const t = mfaApp()
    const c = await client(t)
    const { secret } = await enrolApp(c)
    expect(await (await post(t, 'login/verify/', {})).json()).toEqual({ ephemeral_token: ['This field is required.'], code: ['This field is required.'] })
    expect(await (await post(t, 'login/verify/', { ephemeral_token: 'nope', code: '123456' })).json()).toEqual(nonField('Invalid token'))
    const step = await login(t)
    const wrong = codeAt(t, secret) === '000000' ? '111111' : '000000'
    expect(await (await post(t, 'login/verify/', { ephemeral_token: step.ephemeral_token, code: wrong })).json()).toEqual(nonField('Invalid code'))
    expect(await (await post(t, 'login/change-method/', { ephemeral_token: step.ephemeral_token, new_method: 'app' })).json()).toEqual(
      nonField('Please select a new method'),
    )
    expect(await (await post(t, 'login/change-method/', { ephemeral_token: step.ephemeral_token, new_method: 'email' })).json()).toEqual(
      nonField('Requested MFA method does not exist.'),
    )
    expect(await (await post(t, 'login/change-method/', { ephemeral_token: step.ephemeral_token, new_method: 'sms' })).json()).toEqual({
      new_method: ['Not a valid choice.'],
    })
    expect(await (await post(t, 'login/resend/', { ephemeral_token: 'nope' })).json()).toEqual(nonField('Invalid token'))
    expect(await (await post(t, 'login/change-method/', { ephemeral_token: 'nope', new_method: 'email' })).json()).toEqual(nonField('Invalid token'))
  })

  it('change-method hands out a token for the other method (no code sent); resend mails a new code', async () => {
    const t = mfaApp()
    const c = await client(t)
    await enrolApp(c)
    await enrolEmail(c)
    const step = await login(t)
    expect(step.method).toBe('app')
    const mails = await mfaMails(t)
    const changed = await (await post(t, 'login/change-method/', { ephemeral_token: step.ephemeral_token, new_method: 'email' })).json()
    expect(Object.keys(changed).sort()).toEqual(['ephemeral_token', 'new_method'])
    expect(changed.new_method).toBe('email')
    expect(await mfaMails(t)).toBe(mails)
    const resent = await (await post(t, 'login/resend/', { ephemeral_token: changed.ephemeral_token })).json()
    expect(Object.keys(resent)).toEqual(['ephemeral_token'])
    expect(await mfaMails(t)).toBe(mails + 1)
    expect((await post(t, 'login/verify/', { ephemeral_token: resent.ephemeral_token, code: await mailedCode(t) })).status).toBe(200)
  })

  it('a method deactivated after the first step: "Requested MFA method does not exist."', async () => {
    const t = mfaApp()
    const c = await client(t)
    const { secret } = await enrolApp(c)
    await enrolEmail(c)
    const step = await login(t)
    expect((await call(c, 'mfa/primary/', { method: 'email' })).status).toBe(200)
    expect((await call(c, 'mfa/deactivate/', { method: 'app', code: codeAt(t, secret) })).status).toBe(200)
    expect(await (await post(t, 'login/verify/', { ephemeral_token: step.ephemeral_token, code: '123456' })).json()).toEqual(
      nonField('Requested MFA method does not exist.'),
    )
  })
})

describe('ephemeral token', () => {
  it('ephemeral token is random and stored only as its SHA-256', async () => {
    const t = mfaApp()
    const c = await client(t)
    await enrolApp(c)
    const a = (await login(t)).ephemeral_token as string
    const b = (await login(t)).ephemeral_token as string
    expect(a).not.toBe(b)
    expect(a.length).toBeGreaterThanOrEqual(43) // 256 bits, base64url
    const stored = await selectAll<Record<string, unknown>>(t.deps.db, 'SELECT * FROM mfa_login_tokens')
    const text = JSON.stringify(stored)
    expect(text).not.toContain(a)
    expect(stored.map((r) => r.token_hash)).toEqual(expect.arrayContaining([sha256(a), sha256(b)]))
  })

  it('ephemeral token is single-use', async () => {
    const t = mfaApp()
    const c = await client(t)
    const { secret, backupCodes } = await enrolApp(c)
    const step = await login(t)
    expect((await post(t, 'login/verify/', { ephemeral_token: step.ephemeral_token, code: codeAt(t, secret) })).status).toBe(200)
    const again = await post(t, 'login/verify/', { ephemeral_token: step.ephemeral_token, code: backupCodes[0] })
    expect(await again.json()).toEqual(nonField('Invalid token'))
  })

  it('ephemeral token used by two requests at once logs in once', async () => {
    const t = mfaApp()
    const c = await client(t)
    const { backupCodes } = await enrolApp(c)
    const step = await login(t)
    const answers = await Promise.all(
      backupCodes.slice(0, 4).map((code) => post(t, 'login/verify/', { ephemeral_token: step.ephemeral_token, code })),
    )
    expect(answers.map((r) => r.status).filter((s) => s === 200)).toHaveLength(1)
  })

  it('ephemeral token expires after MFA_EPHEMERAL_TOKEN_EXPIRY', async () => {
    const t = mfaApp()
    const c = await client(t)
    const { secret } = await enrolApp(c)
    const step = await login(t)
    t.clock.advance(900)
    const late = await post(t, 'login/verify/', { ephemeral_token: step.ephemeral_token, code: codeAt(t, secret) })
    expect(await late.json()).toEqual(nonField('Invalid token'))
    const next = await login(t)
    t.clock.advance(899)
    expect((await post(t, 'login/verify/', { ephemeral_token: next.ephemeral_token, code: codeAt(t, secret) })).status).toBe(200)
  })

  it('ephemeral token dies after MFA_MAX_ATTEMPTS wrong codes (attempt cap), even for the right code', async () => {
    const t = mfaApp({ mfaMaxAttempts: 5 })
    const c = await client(t)
    const { secret } = await enrolApp(c)
    const step = await login(t)
    const right = codeAt(t, secret)
    const wrong = right === '000000' ? '111111' : '000000'
    for (let i = 0; i < 5; i++) {
      expect(await (await post(t, 'login/verify/', { ephemeral_token: step.ephemeral_token, code: wrong })).json()).toEqual(nonField('Invalid code'))
    }
    expect(await (await post(t, 'login/verify/', { ephemeral_token: step.ephemeral_token, code: right })).json()).toEqual(nonField('Invalid token'))
  })

  it('attempt cap holds against parallel guesses', async () => {
    const t = mfaApp({ mfaMaxAttempts: 3 })
    const c = await client(t)
    await enrolApp(c)
    const step = await login(t)
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => post(t, 'login/verify/', { ephemeral_token: step.ephemeral_token, code: String(100000 + i) })),
    )
    const bodies = await Promise.all(answers.map((r) => r.json()))
    expect(bodies.filter((b) => b.non_field_errors?.[0] === 'Invalid code').length).toBeLessThanOrEqual(3)
  })

  it('change-method and resend retire the old token, and the wrong codes so far carry over (no reset of the attempt cap)', async () => {
    const t = mfaApp({ mfaMaxAttempts: 3 })
    const c = await client(t)
    const { secret } = await enrolApp(c)
    await enrolEmail(c)
    const step = await login(t)
    const right = codeAt(t, secret)
    const wrong = right === '000000' ? '111111' : '000000'
    await post(t, 'login/verify/', { ephemeral_token: step.ephemeral_token, code: wrong })
    const changed = await (await post(t, 'login/change-method/', { ephemeral_token: step.ephemeral_token, new_method: 'email' })).json()
    expect(await (await post(t, 'login/resend/', { ephemeral_token: step.ephemeral_token })).json()).toEqual(nonField('Invalid token'))
    await post(t, 'login/verify/', { ephemeral_token: changed.ephemeral_token, code: wrong })
    const resent = await (await post(t, 'login/resend/', { ephemeral_token: changed.ephemeral_token })).json()
    expect(await (await post(t, 'login/verify/', { ephemeral_token: changed.ephemeral_token, code: await mailedCode(t) })).json()).toEqual(
      nonField('Invalid token'),
    )
    await post(t, 'login/verify/', { ephemeral_token: resent.ephemeral_token, code: wrong })
    // Three wrong codes over three tokens: the login is over.
    expect(await (await post(t, 'login/verify/', { ephemeral_token: resent.ephemeral_token, code: await mailedCode(t) })).json()).toEqual(
      nonField('Invalid token'),
    )
  })

  it('ephemeral token is bound to its user and method: another user\'s code or the other method\'s code does not work', async () => {
    const t = mfaApp()
    const alice = await client(t, 'alice')
    const bob = await client(t, 'bob')
    const { secret: aliceSecret } = await enrolApp(alice)
    const { secret: bobSecret } = await enrolApp(bob)
    await enrolEmail(alice)
    const step = await login(t, 'bob')
    expect(await (await post(t, 'login/verify/', { ephemeral_token: step.ephemeral_token, code: codeAt(t, aliceSecret) })).json()).toEqual(
      nonField('Invalid code'),
    )
    const aliceStep = await login(t, 'alice') // app is alice's primary
    await post(t, 'mfa/send/', { method: 'email' }, alice.headers)
    expect(
      await (await post(t, 'login/verify/', { ephemeral_token: aliceStep.ephemeral_token, code: await mailedCode(t) })).json(),
    ).toEqual(nonField('Invalid code'))
    const done = await (await post(t, 'login/verify/', { ephemeral_token: step.ephemeral_token, code: codeAt(t, bobSecret) })).json()
    expect(done.user.username).toBe('bob')
  })
})

describe('codes at login', () => {
  it('TOTP code is accepted once per method (no replay inside its window)', async () => {
    const t = mfaApp()
    const c = await client(t)
    const { secret } = await enrolApp(c)
    const code = codeAt(t, secret)
    const first = await login(t)
    expect((await post(t, 'login/verify/', { ephemeral_token: first.ephemeral_token, code })).status).toBe(200)
    const second = await login(t)
    t.clock.advance(10) // still inside the same step's window
    expect(await (await post(t, 'login/verify/', { ephemeral_token: second.ephemeral_token, code })).json()).toEqual(nonField('Invalid code'))
    // An older code of the window is refused too once a later step was used.
    expect(
      await (await post(t, 'login/verify/', { ephemeral_token: second.ephemeral_token, code: codeAt(t, secret, -1) })).json(),
    ).toEqual(nonField('Invalid code'))
    t.clock.advance(30)
    expect((await post(t, 'login/verify/', { ephemeral_token: second.ephemeral_token, code: codeAt(t, secret) })).status).toBe(200)
  })

  it('TOTP code accepted within MFA_TOTP_DEFAULT_VALID_WINDOW steps of clock drift, not beyond', async () => {
    const t = mfaApp()
    const c = await client(t)
    const { secret } = await enrolApp(c)
    const step = await login(t)
    expect(await (await post(t, 'login/verify/', { ephemeral_token: step.ephemeral_token, code: codeAt(t, secret, 2) })).json()).toEqual(
      nonField('Invalid code'),
    )
    expect((await post(t, 'login/verify/', { ephemeral_token: step.ephemeral_token, code: codeAt(t, secret, 1) })).status).toBe(200)
  })

  it('e-mail code is single-use', async () => {
    const t = mfaApp()
    const c = await client(t)
    await enrolEmail(c)
    const first = await login(t)
    const code = await mailedCode(t)
    expect((await post(t, 'login/verify/', { ephemeral_token: first.ephemeral_token, code })).status).toBe(200)
    const second = await login(t)
    expect(await (await post(t, 'login/verify/', { ephemeral_token: second.ephemeral_token, code })).json()).toEqual(nonField('Invalid code'))
  })

  it('e-mail code expires MFA_EMAIL_CODE_LIFETIME after sending, whatever the TOTP window', async () => {
    const t = mfaApp()
    const c = await client(t)
    await enrolEmail(c)
    const step = await login(t)
    const code = await mailedCode(t)
    t.clock.advance(179)
    const resent = await login(t) // a new code: the first one stops working
    expect(await (await post(t, 'login/verify/', { ephemeral_token: step.ephemeral_token, code })).json()).toEqual(nonField('Invalid code'))
    const fresh = await mailedCode(t)
    t.clock.advance(180)
    expect(await (await post(t, 'login/verify/', { ephemeral_token: resent.ephemeral_token, code: fresh })).json()).toEqual(nonField('Invalid code'))
    const last = await login(t)
    t.clock.advance(179)
    expect((await post(t, 'login/verify/', { ephemeral_token: last.ephemeral_token, code: await mailedCode(t) })).status).toBe(200)
  })

  it('backup code is single-use', async () => {
    const t = mfaApp()
    const c = await client(t)
    const { backupCodes } = await enrolApp(c)
    const first = await login(t)
    expect((await post(t, 'login/verify/', { ephemeral_token: first.ephemeral_token, code: backupCodes[3]!.toLowerCase() })).status).toBe(200)
    const second = await login(t)
    expect(await (await post(t, 'login/verify/', { ephemeral_token: second.ephemeral_token, code: backupCodes[3] })).json()).toEqual(
      nonField('Invalid code'),
    )
    const list = await (await t.req('/api/auth/mfa/', { headers: c.headers })).json()
    expect(list[0].backup_codes_remaining).toBe(9)
  })

  it('mfa_login rate limit counts login/verify/ and login/resend/ per client (default 10/m/ip)', async () => {
    const t = mfaApp({ accountRateLimits: ['mfa_login=10/m/ip'] })
    const c = await client(t)
    await enrolApp(c)
    const step = await login(t)
    const statuses: number[] = []
    for (let i = 0; i < 6; i++) statuses.push((await post(t, 'login/verify/', { ephemeral_token: 'x', code: '123456' })).status)
    for (let i = 0; i < 4; i++) statuses.push((await post(t, 'login/resend/', { ephemeral_token: 'x' })).status)
    expect(statuses.every((s) => s === 400)).toBe(true)
    const over = await post(t, 'login/verify/', { ephemeral_token: step.ephemeral_token, code: '123456' })
    expect(over.status).toBe(429)
    expect(over.headers.get('retry-after')).toBeTruthy()
    expect((await post(t, 'login/resend/', { ephemeral_token: step.ephemeral_token })).status).toBe(429)
    t.clock.advance(60)
    expect((await post(t, 'login/resend/', { ephemeral_token: step.ephemeral_token })).status).toBe(200)
  })
})

describe('beginSignIn (the one place that decides "MFA step or session")', () => {
  it('answers the MFA first step for a user with MFA, a session with skipMfa (a passkey login), and no mfa_enabled without USE_MFA', async () => {
    const { beginSignIn } = await import('../../src/auth/routes/respond.ts')
    const { createUsersRepo } = await import('../../src/users/users.repo.ts')
    const t = mfaApp()
    const c = await client(t)
    await enrolApp(c)
    const user = (await createUsersRepo(t.deps.db).byId(c.userId))!
    const meta = { userAgent: 'test', ip: '127.0.0.1' }
    const step = await beginSignIn(t.deps, user, meta, { headers: {} })
    expect(step).toMatchObject({ method: 'app', mfa_enabled: true })
    const skipped = await beginSignIn(t.deps, user, meta, { headers: {} }, { skipMfa: true })
    expect(skipped).toMatchObject({ mfa_enabled: false, user: { username: 'alice' } })
    expect('access_token' in skipped).toBe(true)
    const off = mfaApp({ useMfa: false })
    await createUser(off)
    const plain = await beginSignIn(off.deps, (await createUsersRepo(off.deps.db).byUsername('alice'))!, meta, { headers: {} })
    expect('mfa_enabled' in plain).toBe(false)
  })
})
