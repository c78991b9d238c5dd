// Passkeys over HTTP (API.md §8.3), driven by a software authenticator: registration, the list, and sign-in,
// each WebAuthn rule in a test named after it.
import { describe, expect, it } from 'bun:test'
import type { Config } from '../../src/config/settings.ts'
import { createPasskeysRepo } from '../../src/passkeys/passkeys.repo.ts'
import { CHALLENGE_INVALID, NOT_VERIFIED } from '../../src/passkeys/passkeys.ts'
import { PASSWORD, bearer, createUser, mintAccessToken } from '../auth/helpers.ts'
import { type TestApp, makeTestApp } from '../helpers/app.ts'
import { execute, selectOne } from '../helpers/db.ts'
import { type CeremonyOpts, SoftAuthenticator } from '../helpers/webauthn.ts'

const P = '/api/auth/passkeys'

function passkeyApp(overrides: Partial<Config> = {}) {
  // Access tokens outlive the 5-minute challenge tests move the clock past.
  return makeTestApp({ usePasskeys: true, accessTokenLifetime: 3600, ...overrides })
}

async function signedIn(t: TestApp, username = 'alice') {
  const id = await createUser(t, { username, email: `${username}@example.com` })
  if (t.deps.config.authType === 'token') {
    const { key } = await (await post(t, '/api/auth/login/', { username, password: PASSWORD })).json()
    return { id, auth: { authorization: `Token ${key}` } }
  }
  const { token } = await mintAccessToken(t, id)
  return { id, auth: bearer(token) }
}

const post = (t: TestApp, path: string, json: unknown, headers: Record<string, string> = {}) =>
  t.req(path, { method: 'POST', json, headers })

/** Asks for creation options as `auth` and answers them with `key` (or the `opts`-broken answer). */
async function registerWith(t: TestApp, auth: Record<string, string>, key: SoftAuthenticator, opts: CeremonyOpts = {}, name = 'Laptop') {
  const options = await (await post(t, `${P}/register/options/`, {}, auth)).json()
  return post(t, `${P}/register/`, { credential: await key.register(options, opts), name }, auth)
}

async function loginWith(t: TestApp, key: SoftAuthenticator, opts: CeremonyOpts = {}, headers: Record<string, string> = {}) {
  const options = await (await post(t, `${P}/login/options/`, {})).json()
  return post(t, `${P}/login/`, { credential: await key.login(options, opts), challenge_token: options.challenge_token }, headers)
}

const refused = (message: string) => ({ non_field_errors: [message] })

async function sessions(t: TestApp) {
  return Number((await selectOne<{ n: number }>(t.deps.db, 'SELECT COUNT(*) AS n FROM sessions', {}))!.n)
}

describe('passkeys: off by default', () => {
  it('USE_PASSKEYS off: every passkey route is 404', async () => {
    const t = makeTestApp()
    expect((await post(t, `${P}/login/options/`, {})).status).toBe(404)
    expect((await t.req(`${P}/`)).status).toBe(404)
  })
})

describe('passkey registration', () => {
  it('registers a passkey: creation options ask for a discoverable credential with user verification, then 201', async () => {
    const t = passkeyApp()
    const { auth } = await signedIn(t)
    const options = await (await post(t, `${P}/register/options/`, {}, auth)).json()
    expect(options.rp).toEqual({ id: 'localhost', name: 'authkit' })
    expect(options.user.name).toBe('alice')
    expect(options.attestation).toBe('none')
    expect(options.authenticatorSelection).toMatchObject({ residentKey: 'required', userVerification: 'required' })
    const key = await SoftAuthenticator.create()
    const res = await post(t, `${P}/register/`, { credential: await key.register(options), name: 'Laptop' }, auth)
    expect(res.status).toBe(201)
    const body = await res.json()
    expect(body).toMatchObject({ name: 'Laptop', last_used_at: null })
    expect(body.created_at).toMatch(/Z$/)
    const row = await selectOne<{ credential_id: string; transports: string }>(t.deps.db, 'SELECT * FROM passkeys WHERE id = $id', { id: body.id })
    expect(row!.credential_id).toBe(key.id)
    expect(JSON.parse(row!.transports)).toEqual(['internal'])
  })

  it('registration needs a signed-in user', async () => {
    const t = passkeyApp()
    expect((await post(t, `${P}/register/options/`, {})).status).toBe(401)
  })

  it('registration challenge reuse is refused', async () => {
    const t = passkeyApp()
    const { auth } = await signedIn(t)
    const options = await (await post(t, `${P}/register/options/`, {}, auth)).json()
    const first = await SoftAuthenticator.create()
    expect((await post(t, `${P}/register/`, { credential: await first.register(options) }, auth)).status).toBe(201)
    const second = await SoftAuthenticator.create()
    const again = await post(t, `${P}/register/`, { credential: await second.register(options) }, auth)
    expect(again.status).toBe(400)
    expect(await again.json()).toEqual(refused(CHALLENGE_INVALID))
  })

  it('registration challenge is bound to the signed-in user: another user cannot redeem it', async () => {
    const t = passkeyApp()
    const alice = await signedIn(t, 'alice')
    const bob = await signedIn(t, 'bob')
    const options = await (await post(t, `${P}/register/options/`, {}, alice.auth)).json()
    const key = await SoftAuthenticator.create()
    const res = await post(t, `${P}/register/`, { credential: await key.register(options) }, bob.auth)
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual(refused(CHALLENGE_INVALID))
  })

  it('expired registration challenge (5 minutes) is refused', async () => {
    const t = passkeyApp()
    const { auth } = await signedIn(t)
    const options = await (await post(t, `${P}/register/options/`, {}, auth)).json()
    t.clock.advance(5 * 60 + 1)
    const key = await SoftAuthenticator.create()
    const res = await post(t, `${P}/register/`, { credential: await key.register(options) }, auth)
    expect(await res.json()).toEqual(refused(CHALLENGE_INVALID))
  })

  it('registration from a wrong origin is refused', async () => {
    const t = passkeyApp()
    const { auth } = await signedIn(t)
    const res = await registerWith(t, auth, await SoftAuthenticator.create(), { origin: 'https://evil.example' })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual(refused(NOT_VERIFIED))
  })

  it('registration with a wrong RP ID is refused', async () => {
    const t = passkeyApp()
    const { auth } = await signedIn(t)
    const res = await registerWith(t, auth, await SoftAuthenticator.create(), { rpId: 'evil.example' })
    expect(await res.json()).toEqual(refused(NOT_VERIFIED))
  })

  it('registration requires user verification (UV flag)', async () => {
    const t = passkeyApp()
    const { auth } = await signedIn(t)
    const res = await registerWith(t, auth, await SoftAuthenticator.create(), { uv: false })
    expect(await res.json()).toEqual(refused(NOT_VERIFIED))
    expect((await (await t.req(`${P}/`, { headers: auth })).json()).length).toBe(0)
  })

  it('a credential id is registered once', async () => {
    const t = passkeyApp()
    const { auth } = await signedIn(t)
    const key = await SoftAuthenticator.create()
    expect((await registerWith(t, auth, key)).status).toBe(201)
    const res = await registerWith(t, auth, key)
    expect(res.status).toBe(400)
    expect((await res.json()).non_field_errors).toEqual(['This passkey is already registered.'])
  })

  it('a malformed credential is a 400 and changes nothing, never a 500', async () => {
    const t = passkeyApp()
    const { auth } = await signedIn(t)
    await post(t, `${P}/register/options/`, {}, auth)
    for (const credential of [
      'x',
      {},
      { id: 'a', rawId: 'a', type: 'public-key', response: { clientDataJSON: 'not-base64-json' } },
      { id: 'a', rawId: 'a', type: 'public-key', response: { clientDataJSON: Buffer.from('{"challenge":1}').toString('base64url') } },
    ]) {
      const res = await post(t, `${P}/register/`, { credential }, auth)
      expect(res.status).toBe(400)
    }
    expect((await (await t.req(`${P}/`, { headers: auth })).json()).length).toBe(0)
  })
})

describe('passkey list, rename, delete', () => {
  it("lists the user's passkeys; renames and deletes them; another user's passkey is 404", async () => {
    const t = passkeyApp()
    const alice = await signedIn(t, 'alice')
    const bob = await signedIn(t, 'bob')
    const created = await (await registerWith(t, alice.auth, await SoftAuthenticator.create())).json()
    const list = await (await t.req(`${P}/`, { headers: alice.auth })).json()
    expect(list).toEqual([created])
    expect(await (await t.req(`${P}/`, { headers: bob.auth })).json()).toEqual([])

    const rename = (auth: Record<string, string>, id: unknown) =>
      t.req(`${P}/${id}/`, { method: 'PATCH', json: { name: 'Phone' }, headers: auth })
    expect((await rename(bob.auth, created.id)).status).toBe(404)
    expect((await rename(alice.auth, 999)).status).toBe(404)
    expect((await rename(alice.auth, 'abc')).status).toBe(404)
    const renamed = await rename(alice.auth, created.id)
    expect(renamed.status).toBe(200)
    expect((await renamed.json()).name).toBe('Phone')

    expect((await t.req(`${P}/${created.id}/`, { method: 'DELETE', headers: bob.auth })).status).toBe(404)
    expect((await t.req(`${P}/${created.id}/`, { method: 'DELETE', headers: alice.auth })).status).toBe(204)
    expect(await (await t.req(`${P}/`, { headers: alice.auth })).json()).toEqual([])
  })

  it('countByUser counts a user\'s passkeys (the "last way to sign in" rule reads it)', async () => {
    const t = passkeyApp()
    const alice = await signedIn(t, 'alice')
    const repo = createPasskeysRepo(t.deps.db)
    expect(await repo.countByUser(alice.id)).toBe(0)
    await registerWith(t, alice.auth, await SoftAuthenticator.create())
    await registerWith(t, alice.auth, await SoftAuthenticator.create())
    expect(await repo.countByUser(alice.id)).toBe(2)
  })
})

describe('passkey login', () => {
  async function registered(overrides: Partial<Config> = {}) {
    const t = passkeyApp(overrides)
    const { auth, id } = await signedIn(t)
    const key = await SoftAuthenticator.create()
    expect((await registerWith(t, auth, key)).status).toBe(201)
    return { t, key, id }
  }

  it('signs in with a discoverable credential: login options name no user, the answer is the login response with cookies', async () => {
    const { t, key } = await registered()
    const options = await (await post(t, `${P}/login/options/`, {})).json()
    expect(options.allowCredentials ?? []).toEqual([])
    expect(options.userVerification).toBe('required')
    expect(options.rpId).toBe('localhost')
    expect(typeof options.challenge_token).toBe('string')
    const res = await post(t, `${P}/login/`, { credential: await key.login(options), challenge_token: options.challenge_token })
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body.user.username).toBe('alice')
    expect(typeof body.access_token).toBe('string')
    expect(body.mfa_enabled).toBeUndefined()
    expect(res.headers.getSetCookie().some((c) => c.startsWith('auth-jwt='))).toBe(true)
    expect(res.headers.getSetCookie().some((c) => c.startsWith('csrftoken='))).toBe(true)
    const me = await t.req('/api/auth/user/', { headers: bearer(body.access_token) })
    expect((await me.json()).username).toBe('alice')
    const row = await selectOne<{ last_used_at: number; counter: number }>(t.deps.db, 'SELECT * FROM passkeys', {})
    expect(row!.last_used_at).toBe(t.clock.now())
  })

  it('token mode: a passkey login answers the key', async () => {
    const { t, key } = await registered({ authType: 'token' })
    const body = await (await loginWith(t, key)).json()
    expect(typeof body.key).toBe('string')
  })

  it('login challenge reuse is refused (the challenge_token works once)', async () => {
    const { t, key } = await registered()
    const options = await (await post(t, `${P}/login/options/`, {})).json()
    const first = await post(t, `${P}/login/`, { credential: await key.login(options), challenge_token: options.challenge_token })
    expect(first.status).toBe(200)
    const again = await post(t, `${P}/login/`, { credential: await key.login(options), challenge_token: options.challenge_token })
    expect(again.status).toBe(400)
    expect(await again.json()).toEqual(refused(CHALLENGE_INVALID))
  })

  it('expired login challenge (5 minutes) is refused', async () => {
    const { t, key } = await registered()
    const options = await (await post(t, `${P}/login/options/`, {})).json()
    t.clock.advance(5 * 60 + 1)
    const res = await post(t, `${P}/login/`, { credential: await key.login(options), challenge_token: options.challenge_token })
    expect(await res.json()).toEqual(refused(CHALLENGE_INVALID))
  })

  it('an unknown challenge_token is refused', async () => {
    const { t, key } = await registered()
    const options = await (await post(t, `${P}/login/options/`, {})).json()
    const res = await post(t, `${P}/login/`, { credential: await key.login(options), challenge_token: 'made-up' })
    expect(await res.json()).toEqual(refused(CHALLENGE_INVALID))
  })

  it('a signature over another challenge than the token\'s is refused', async () => {
    const { t, key } = await registered()
    const options = await (await post(t, `${P}/login/options/`, {})).json()
    const other = await (await post(t, `${P}/login/options/`, {})).json()
    const res = await post(t, `${P}/login/`, { credential: await key.login(options, { challenge: other.challenge }), challenge_token: options.challenge_token })
    expect(await res.json()).toEqual(refused(NOT_VERIFIED))
  })

  it('login from a wrong origin is refused', async () => {
    const { t, key } = await registered()
    const res = await loginWith(t, key, { origin: 'https://evil.example' })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual(refused(NOT_VERIFIED))
    expect(await sessions(t)).toBe(1) // only the test's own minted session
  })

  it('login with a wrong RP ID is refused', async () => {
    const { t, key } = await registered()
    expect(await (await loginWith(t, key, { rpId: 'evil.example' })).json()).toEqual(refused(NOT_VERIFIED))
  })

  it('login requires user verification (UV flag)', async () => {
    const { t, key } = await registered()
    expect(await (await loginWith(t, key, { uv: false })).json()).toEqual(refused(NOT_VERIFIED))
  })

  it('signature counter regression is refused (a cloned authenticator)', async () => {
    const { t, key } = await registered()
    expect((await loginWith(t, key, { counter: 10 })).status).toBe(200)
    expect(await (await loginWith(t, key, { counter: 10 })).json()).toEqual(refused(NOT_VERIFIED))
    expect(await (await loginWith(t, key, { counter: 7 })).json()).toEqual(refused(NOT_VERIFIED))
    expect((await loginWith(t, key, { counter: 11 })).status).toBe(200)
  })

  it('an unknown credential is refused', async () => {
    const { t } = await registered()
    const stranger = await SoftAuthenticator.create()
    const res = await loginWith(t, stranger)
    expect(await res.json()).toEqual(refused(NOT_VERIFIED))
  })

  it('a deleted passkey no longer signs in', async () => {
    const { t, key } = await registered()
    await execute(t.deps.db, 'DELETE FROM passkeys', {})
    expect(await (await loginWith(t, key)).json()).toEqual(refused(NOT_VERIFIED))
  })

  it('an inactive user cannot sign in with a passkey', async () => {
    const { t, key, id } = await registered()
    await execute(t.deps.db, 'UPDATE users SET is_active = 0 WHERE id = $id', { id })
    expect(await (await loginWith(t, key)).json()).toEqual(refused(NOT_VERIFIED))
  })

  it('login CSRF: a passkey login from a foreign Origin is 403 csrf_failed', async () => {
    const { t, key } = await registered()
    const res = await loginWith(t, key, {}, { origin: 'https://evil.example' })
    expect(res.status).toBe(403)
    expect((await res.json()).code).toBe('csrf_failed')
  })

  it('passkey logins are counted by the `login` rate limit (per IP): past it, 429 with Retry-After', async () => {
    const { t, key } = await registered({ accountRateLimits: ['login=1/m/ip'] })
    expect((await loginWith(t, key)).status).toBe(200)
    const over = await loginWith(t, key)
    expect(over.status).toBe(429)
    expect(over.headers.get('retry-after')).not.toBeNull()
  })

  it('WEBAUTHN_RP_ID and WEBAUTHN_ORIGINS, when set, are what is checked', async () => {
    const t = passkeyApp({ webauthnRpId: 'example.com', webauthnOrigins: ['https://app.example.com'], webauthnRpName: 'Example' })
    const { auth } = await signedIn(t)
    const options = await (await post(t, `${P}/register/options/`, {}, auth)).json()
    expect(options.rp).toEqual({ id: 'example.com', name: 'Example' })
    const key = await SoftAuthenticator.create()
    const local = await post(t, `${P}/register/`, { credential: await key.register(options) }, auth)
    expect(await local.json()).toEqual(refused(NOT_VERIFIED))
    const options2 = await (await post(t, `${P}/register/options/`, {}, auth)).json()
    const ok = await post(t, `${P}/register/`, { credential: await key.register(options2, { origin: 'https://app.example.com' }) }, auth)
    expect(ok.status).toBe(201)
    expect((await loginWith(t, key, { origin: 'https://app.example.com' })).status).toBe(200)
  })

  it('PUBLIC_URL sets the default RP ID and origin', async () => {
    const t = passkeyApp({ publicUrl: 'https://auth.example.org' })
    const { auth } = await signedIn(t)
    const options = await (await post(t, `${P}/register/options/`, {}, auth)).json()
    expect(options.rp.id).toBe('auth.example.org')
    const key = await SoftAuthenticator.create()
    const res = await post(t, `${P}/register/`, { credential: await key.register(options, { origin: 'https://auth.example.org' }) }, auth)
    expect(res.status).toBe(201)
  })
})
