// Social login's API flow (POST social/{slug}/, connect/, accounts/) against a real OpenID Connect provider on
// loopback: the test plays the frontend (PKCE, its own redirect URI) and the user at the provider.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { hashParams, hashPassword } from '../../src/users/passwords.ts'
import { createUsersRepo } from '../../src/users/users.repo.ts'
import type { Config } from '../../src/config/settings.ts'
import type { TestApp } from '../helpers/app.ts'
import { selectAll, selectOne } from '../helpers/db.ts'
import { FRONTEND_CALLBACK, callbackOf, cookieHeader, cookiesOf, snapshot, socialApp } from './helpers.ts'
import { type RealProvider, frontendAuthorizeUrl, pkcePair, signInAtProvider, startRealProvider } from './provider.ts'

const PASSWORD = 'Quiet-Harbor-Lantern-77'
let idp: RealProvider

beforeAll(async () => {
  idp = await startRealProvider([FRONTEND_CALLBACK, callbackOf('idp')])
})
afterAll(() => idp.close())

const appWith = (overrides: Partial<Config> = {}) =>
  socialApp([{ slug: 'idp', kind: 'oidc', issuer: idp.issuer, client_id: idp.clientId, client_secret: idp.clientSecret }], overrides)

/** What a frontend holds after the provider sent the user back: the code and its PKCE verifier. */
async function codeFor(login: string, opts: { nonce?: string } = {}) {
  const { verifier, challenge } = await pkcePair()
  const back = await signInAtProvider(frontendAuthorizeUrl(idp, { redirectUri: FRONTEND_CALLBACK, challenge, nonce: opts.nonce }), login)
  return { code: back.searchParams.get('code')!, code_verifier: verifier, redirect_uri: FRONTEND_CALLBACK }
}

async function passwordUser(t: TestApp, username: string, email: string, verified = true) {
  const passwordHash = await hashPassword(PASSWORD, hashParams(t.deps.config))
  return createUsersRepo(t.deps.db).insert({ username, email, passwordHash, emailVerified: verified, now: t.clock.now() })
}

/** Signs in through the API flow and returns the cookie-session headers (cookie + CSRF) for the next calls. */
async function socialSession(t: TestApp, login: string) {
  const res = await t.req('/api/auth/social/idp/', { method: 'POST', json: await codeFor(login) })
  expect(res.status).toBe(200)
  const cookies = cookiesOf(res)
  return { cookie: cookieHeader(cookies), 'x-csrftoken': cookies.get('csrftoken')! }
}

async function passwordSession(t: TestApp, username: string) {
  const res = await t.req('/api/auth/login/', { method: 'POST', json: { username, password: PASSWORD } })
  expect(res.status).toBe(200)
  const cookies = cookiesOf(res)
  return { cookie: cookieHeader(cookies), 'x-csrftoken': cookies.get('csrftoken')! }
}

describe('POST social/{slug}/ (code exchange)', () => {
  it('signs in a new user: the login response, a verified e-mail because the provider says so, an unusable password, a username from the e-mail', async () => {
    const t = appWith()
    idp.accounts.set('newcomer', { email: 'New.Comer@example.com', email_verified: true })
    const res = await t.req('/api/auth/social/idp/', { method: 'POST', json: await codeFor('newcomer') })
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(Object.keys(body).sort()).toEqual(['access_expiration', 'access_token', 'refresh_expiration', 'refresh_token', 'user'])
    expect(body.user).toMatchObject({ username: 'New.Comer', email: 'new.comer@example.com', email_verified: true })
    expect(cookiesOf(res).get('auth-jwt')).toBeTruthy()
    const user = await selectOne<{ password_hash: string }>(t.deps.db, 'SELECT password_hash FROM users WHERE id = $id', { id: body.user.pk })
    expect(user!.password_hash.startsWith('!')).toBe(true)
    const who = await t.req('/api/auth/user/', { headers: { authorization: `Bearer ${body.access_token}` } })
    expect((await who.json()).username).toBe('New.Comer')
  })

  it('signs the same provider account in as the same user the next time', async () => {
    const t = appWith()
    const first = await (await t.req('/api/auth/social/idp/', { method: 'POST', json: await codeFor('returning') })).json()
    const second = await (await t.req('/api/auth/social/idp/', { method: 'POST', json: await codeFor('returning') })).json()
    expect(second.user.pk).toBe(first.user.pk)
    expect(await selectAll(t.deps.db, 'SELECT id FROM users')).toHaveLength(1)
  })

  it('new users get a verified e-mail only when the provider says so', async () => {
    const t = appWith()
    idp.accounts.set('unsure', { email: 'unsure@example.com', email_verified: false })
    const res = await t.req('/api/auth/social/idp/', { method: 'POST', json: await codeFor('unsure') })
    expect(res.status).toBe(200)
    expect((await res.json()).user.email_verified).toBe(false)
  })

  it('new users get a unique username derived from the e-mail', async () => {
    const t = appWith()
    await passwordUser(t, 'jane', 'jane@elsewhere.example')
    idp.accounts.set('jane-a', { email: 'jane@a.example', email_verified: true })
    idp.accounts.set('jane-b', { email: 'jane@b.example', email_verified: true })
    const a = await (await t.req('/api/auth/social/idp/', { method: 'POST', json: await codeFor('jane-a') })).json()
    const b = await (await t.req('/api/auth/social/idp/', { method: 'POST', json: await codeFor('jane-b') })).json()
    expect([a.user.username, b.user.username]).toEqual(['jane2', 'jane3'])
  })

  it('password login never accepts an account made by social login (its password is unusable)', async () => {
    const t = appWith()
    const body = await (await t.req('/api/auth/social/idp/', { method: 'POST', json: await codeFor('nopass') })).json()
    const hash = (await selectOne<{ password_hash: string }>(t.deps.db, 'SELECT password_hash FROM users WHERE id = $id', { id: body.user.pk }))!.password_hash
    for (const password of [hash, '', '!', hash.slice(1)]) {
      const res = await t.req('/api/auth/login/', { method: 'POST', json: { username: body.user.username, password: password || 'x' } })
      expect(res.status).toBe(400)
      expect(await res.json()).toEqual({ non_field_errors: ['Unable to log in with provided credentials.'] })
    }
  })

  it('an unverified provider e-mail never links an existing account (DRF Auth Kit issue #47), even with auto-connect on', async () => {
    const t = appWith({ socialLoginAutoConnectByEmail: true })
    await passwordUser(t, 'victim', 'victim@example.com')
    idp.accounts.set('attacker', { email: 'victim@example.com', email_verified: false })
    const before = await snapshot(t)
    const res = await t.req('/api/auth/social/idp/', { method: 'POST', json: await codeFor('attacker') })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ non_field_errors: ['User is already registered with this e-mail address.'] })
    expect(cookiesOf(res).size).toBe(0)
    expect(await snapshot(t)).toEqual(before)
  })

  it('a verified provider e-mail links an existing account only with SOCIAL_LOGIN_AUTO_CONNECT_BY_EMAIL', async () => {
    idp.accounts.set('owner', { email: 'owner@example.com', email_verified: true })
    const off = appWith()
    const ownerOff = await passwordUser(off, 'owner', 'owner@example.com')
    const before = await snapshot(off)
    const refused = await off.req('/api/auth/social/idp/', { method: 'POST', json: await codeFor('owner') })
    expect(refused.status).toBe(400)
    expect(await refused.json()).toEqual({ non_field_errors: ['User is already registered with this e-mail address.'] })
    expect(await snapshot(off)).toEqual(before)
    expect(ownerOff).toBeGreaterThan(0)

    const on = appWith({ socialLoginAutoConnectByEmail: true })
    const ownerOn = await passwordUser(on, 'owner', 'owner@example.com')
    const linked = await on.req('/api/auth/social/idp/', { method: 'POST', json: await codeFor('owner') })
    expect(linked.status).toBe(200)
    expect((await linked.json()).user.pk).toBe(ownerOn)
    expect(await selectAll(on.deps.db, 'SELECT user_id FROM social_accounts')).toEqual([{ user_id: ownerOn }])
  })

  it('with ACCOUNT_EMAIL_VERIFICATION mandatory, a provider address not verified by the provider does not sign in', async () => {
    const t = appWith({ accountEmailVerification: 'mandatory' })
    idp.accounts.set('unsure2', { email: 'unsure2@example.com', email_verified: false })
    const res = await t.req('/api/auth/social/idp/', { method: 'POST', json: await codeFor('unsure2') })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ non_field_errors: ['E-mail is not verified.'] })
    expect(cookiesOf(res).size).toBe(0)
  })

  it('a code used once is refused the second time, and a wrong PKCE verifier is refused: "Failed to exchange code for access token"', async () => {
    const t = appWith()
    const code = await codeFor('twice')
    expect((await t.req('/api/auth/social/idp/', { method: 'POST', json: code })).status).toBe(200)
    const before = await snapshot(t)
    const again = await t.req('/api/auth/social/idp/', { method: 'POST', json: code })
    expect(again.status).toBe(400)
    expect(await again.json()).toEqual({ non_field_errors: ['Failed to exchange code for access token'] })
    const wrongVerifier = await t.req('/api/auth/social/idp/', { method: 'POST', json: { ...(await codeFor('twice')), code_verifier: 'x'.repeat(43) } })
    expect(await wrongVerifier.json()).toEqual({ non_field_errors: ['Failed to exchange code for access token'] })
    expect(await snapshot(t)).toEqual(before)
  })

  it('with SOCIAL_HIDE_AUTH_ERROR_DETAILS=false the provider\'s own error follows the message', async () => {
    const t = appWith({ socialHideAuthErrorDetails: false })
    const res = await t.req('/api/auth/social/idp/', { method: 'POST', json: { ...(await codeFor('detail')), code_verifier: 'y'.repeat(43) } })
    const [message] = (await res.json()).non_field_errors
    expect(message).toStartWith('Failed to exchange code for access token: invalid_grant')
  })

  it("the ID token's nonce must be the one the frontend sent", async () => {
    const t = appWith()
    const before = await snapshot(t)
    const res = await t.req('/api/auth/social/idp/', { method: 'POST', json: { ...(await codeFor('noncy', { nonce: 'sent-nonce' })), nonce: 'other-nonce' } })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ non_field_errors: ['Failed to complete OAuth flow'] })
    expect(await snapshot(t)).toEqual(before)
    const ok = await t.req('/api/auth/social/idp/', { method: 'POST', json: { ...(await codeFor('noncy', { nonce: 'sent-nonce' })), nonce: 'sent-nonce' } })
    expect(ok.status).toBe(200)
  })

  it('authkit_logins_total counts social sign-ins: ok, and failed when refused', async () => {
    const t = appWith({ metricsEnabled: true })
    expect((await t.req('/api/auth/social/idp/', { method: 'POST', json: await codeFor('counted') })).status).toBe(200)
    expect((await t.req('/api/auth/social/idp/', { method: 'POST', json: { ...(await codeFor('counted')), code_verifier: 'z'.repeat(43) } })).status).toBe(400)
    const text = await (await t.req('/metrics')).text()
    expect(text).toContain('authkit_logins_total{outcome="ok"} 1')
    expect(text).toContain('authkit_logins_total{outcome="failed"} 1')
  })

  it('missing code: {"code":["This field is required."]}; an unknown provider: 404', async () => {
    const t = appWith()
    const res = await t.req('/api/auth/social/idp/', { method: 'POST', json: {} })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ code: ['This field is required.'] })
    expect((await t.req('/api/auth/social/nope/', { method: 'POST', json: { code: 'x' } })).status).toBe(404)
  })

  it('social login refuses a foreign Origin with 403 csrf_failed (login CSRF)', async () => {
    const t = appWith()
    const res = await t.req('/api/auth/social/idp/', { method: 'POST', headers: { origin: 'https://evil.example' }, json: { code: 'whatever' } })
    expect(res.status).toBe(403)
    expect((await res.json()).code).toBe('csrf_failed')
  })
})

describe('connect, list, delete', () => {
  it('connects a provider account to the signed-in user, lists it, and deletes it', async () => {
    const t = appWith()
    await passwordUser(t, 'carol', 'carol@example.com')
    const session = await passwordSession(t, 'carol')
    const connected = await t.req('/api/auth/social/idp/connect/', { method: 'POST', headers: session, json: await codeFor('carol-at-idp') })
    expect(connected.status).toBe(200)
    expect(await connected.json()).toEqual({ detail: 'Connected' })

    const list = await (await t.req('/api/auth/social/accounts/', { headers: session })).json()
    expect(list).toEqual([{ id: expect.any(Number), provider: 'idp', uid: 'carol-at-idp', last_login: expect.any(String), date_joined: expect.any(String) }])
    expect(list[0].date_joined).toMatch(/Z$/)

    // Signing in through the provider now reaches carol.
    const viaIdp = await (await t.req('/api/auth/social/idp/', { method: 'POST', json: await codeFor('carol-at-idp') })).json()
    expect(viaIdp.user.username).toBe('carol')

    const deleted = await t.req(`/api/auth/social/accounts/${list[0].id}/`, { method: 'DELETE', headers: session })
    expect(deleted.status).toBe(204)
    expect(await (await t.req('/api/auth/social/accounts/', { headers: session })).json()).toEqual([])
  })

  it('one provider account belongs to one user: connecting it to another user is refused', async () => {
    const t = appWith()
    await passwordUser(t, 'first', 'first@example.com')
    await passwordUser(t, 'second', 'second@example.com')
    const s1 = await passwordSession(t, 'first')
    const s2 = await passwordSession(t, 'second')
    expect((await t.req('/api/auth/social/idp/connect/', { method: 'POST', headers: s1, json: await codeFor('shared') })).status).toBe(200)
    const before = await snapshot(t)
    const res = await t.req('/api/auth/social/idp/connect/', { method: 'POST', headers: s2, json: await codeFor('shared') })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ non_field_errors: ['This social account is already connected to another user.'] })
    expect(await snapshot(t)).toEqual(before)
  })

  it("connect needs a signed-in user; another user's or an unknown account id is 404 on delete", async () => {
    const t = appWith()
    expect((await t.req('/api/auth/social/idp/connect/', { method: 'POST', json: { code: 'x' } })).status).toBe(401)
    expect((await t.req('/api/auth/social/accounts/')).status).toBe(401)
    await passwordUser(t, 'dave', 'dave@example.com')
    await passwordUser(t, 'erin', 'erin@example.com')
    const dave = await passwordSession(t, 'dave')
    const erin = await passwordSession(t, 'erin')
    await t.req('/api/auth/social/idp/connect/', { method: 'POST', headers: dave, json: await codeFor('dave-idp') })
    const [account] = await (await t.req('/api/auth/social/accounts/', { headers: dave })).json()
    const before = await snapshot(t)
    for (const path of [`/api/auth/social/accounts/${account.id}/`, '/api/auth/social/accounts/99999/', '/api/auth/social/accounts/abc/']) {
      const res = await t.req(path, { method: 'DELETE', headers: erin })
      expect(res.status).toBe(404)
      expect(await res.json()).toEqual({ detail: 'Not found.', code: 'not_found' })
    }
    expect(await snapshot(t)).toEqual(before)
  })

  it('the last way to sign in cannot be removed; after setting a password it can', async () => {
    const t = appWith()
    const session = await socialSession(t, 'only-social')
    const [account] = await (await t.req('/api/auth/social/accounts/', { headers: session })).json()
    const before = await snapshot(t)
    const refused = await t.req(`/api/auth/social/accounts/${account.id}/`, { method: 'DELETE', headers: session })
    expect(refused.status).toBe(400)
    expect(await refused.json()).toEqual({ non_field_errors: ['This is your last way to sign in; set a password first.'] })
    const inGerman = await t.req(`/api/auth/social/accounts/${account.id}/`, { method: 'DELETE', headers: { ...session, 'accept-language': 'de' } })
    expect(await inGerman.json()).toEqual({ non_field_errors: ['Dies ist Ihre letzte Möglichkeit, sich anzumelden; legen Sie zuerst ein Passwort fest.'] })
    expect(await snapshot(t)).toEqual(before)

    // An account without a usable password sets its first one without knowing an old one.
    const set = await t.req('/api/auth/password/change/', {
      method: 'POST',
      headers: session,
      json: { old_password: 'unknown', new_password1: 'Brand-New-Secret-42', new_password2: 'Brand-New-Secret-42' },
    })
    expect(set.status).toBe(200)
    expect((await t.req(`/api/auth/social/accounts/${account.id}/`, { method: 'DELETE', headers: session })).status).toBe(204)
    const username = (await selectOne<{ username: string }>(t.deps.db, 'SELECT username FROM users'))!.username
    expect((await t.req('/api/auth/login/', { method: 'POST', json: { username, password: 'Brand-New-Secret-42' } })).status).toBe(200)
  })

  it('password change still asks the old password of an account that has one', async () => {
    const t = appWith()
    await passwordUser(t, 'frank', 'frank@example.com')
    const session = await passwordSession(t, 'frank')
    const res = await t.req('/api/auth/password/change/', {
      method: 'POST',
      headers: session,
      json: { old_password: 'wrong-old-password', new_password1: 'Brand-New-Secret-42', new_password2: 'Brand-New-Secret-42' },
    })
    expect(res.status).toBe(400)
    expect(Object.keys(await res.json())).toEqual(['old_password'])
  })

  it('a second social account is another way to sign in: one of two can be removed', async () => {
    const t = socialApp([
      { slug: 'idp', kind: 'oidc', issuer: idp.issuer, client_id: idp.clientId, client_secret: idp.clientSecret },
    ])
    const session = await socialSession(t, 'two-ways')
    const user = (await selectOne<{ id: number }>(t.deps.db, 'SELECT id FROM users'))!
    const { createSocialRepo } = await import('../../src/social/social.repo.ts')
    await createSocialRepo(t.deps.db).link({ userId: user.id, provider: 'other', uid: 'x', email: null, now: t.clock.now() })
    const [first] = await (await t.req('/api/auth/social/accounts/', { headers: session })).json()
    expect((await t.req(`/api/auth/social/accounts/${first.id}/`, { method: 'DELETE', headers: session })).status).toBe(204)
  })
})
