// Provider failures, through a fake OpenID Connect provider whose token endpoint misbehaves on demand:
// each gets the contract's message and changes nothing; an ID token is believed only when its signature
// (the provider's JWKS), iss, aud, exp and nonce are right.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { snapshot, socialApp } from './helpers.ts'
import { type FakeMode, type FakeProvider, startFakeProvider } from './provider.ts'

let fake: FakeProvider
beforeAll(async () => {
  fake = await startFakeProvider('fake-client')
})
afterAll(() => fake.close())

const appWith = (hide = true) =>
  socialApp([{ slug: 'fake', kind: 'oidc', issuer: fake.issuer, client_id: 'fake-client', client_secret: 'fake-secret' }], { socialHideAuthErrorDetails: hide })

async function attempt(mode: FakeMode, hide = true) {
  fake.mode = mode
  const t = appWith(hide)
  const before = await snapshot(t)
  const res = await t.req('/api/auth/social/fake/', { method: 'POST', json: { code: 'any-code', code_verifier: 'v'.repeat(43) } })
  return { res, body: await res.json(), unchanged: JSON.stringify(await snapshot(t)) === JSON.stringify(before) }
}

describe('provider errors', () => {
  it('the fake provider works when it behaves (so the failures below are its doing)', async () => {
    const { res, body } = await attempt('ok')
    expect(res.status).toBe(200)
    expect(body.user.email).toBe('fake@example.com')
    expect(fake.tokenRequests.at(-1)!.get('code_verifier')).toBe('v'.repeat(43))
  })

  it.each([
    ['status-400', 'the token endpoint answers 400'],
    ['status-500', 'the token endpoint answers 500'],
    ['slow', 'the token endpoint does not answer in time'],
  ] as const)('%s: %s -> "Failed to exchange code for access token", nothing changed', async (mode) => {
    const { res, body, unchanged } = await attempt(mode)
    expect(res.status).toBe(400)
    expect(body).toEqual({ non_field_errors: ['Failed to exchange code for access token'] })
    expect(res.headers.getSetCookie()).toEqual([])
    expect(unchanged).toBe(true)
  })

  it.each([
    ['expired', 'an expired ID token'],
    ['wrong-key', 'an ID token signed by a key not in the provider JWKS'],
    ['tampered', 'a tampered ID token (claims changed after signing)'],
    ['wrong-aud', 'an ID token for another client (aud)'],
    ['wrong-nonce', 'an ID token with a nonce nobody sent'],
  ] as const)('%s: %s is refused -> "Failed to complete OAuth flow", nothing changed', async (mode) => {
    const { res, body, unchanged } = await attempt(mode)
    expect(res.status).toBe(400)
    expect(body).toEqual({ non_field_errors: ['Failed to complete OAuth flow'] })
    expect(unchanged).toBe(true)
  })

  it("SOCIAL_HIDE_AUTH_ERROR_DETAILS hides the provider's words by default and shows them when off", async () => {
    expect(JSON.stringify((await attempt('status-400')).body)).not.toContain('code expired at the provider')
    const shown = await attempt('status-400', false)
    expect(shown.body.non_field_errors[0]).toBe('Failed to exchange code for access token: invalid_grant: code expired at the provider')
  })

  it('a provider that is down at discovery time -> "Failed to exchange code for access token"', async () => {
    const t = socialApp([{ slug: 'down', kind: 'oidc', issuer: 'http://127.0.0.1:9', client_id: 'c', client_secret: 's' }])
    const res = await t.req('/api/auth/social/down/', { method: 'POST', json: { code: 'x' } })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ non_field_errors: ['Failed to exchange code for access token'] })
    // The browser flow cannot start either: an answer, not a crash.
    const start = await t.req('/api/auth/social/down/authorize/')
    expect(start.status).toBe(400)
    expect(await start.json()).toEqual({ non_field_errors: ['Failed to complete OAuth flow'] })
  })
})
