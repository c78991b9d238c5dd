// Access tokens are accepted only when signature, pinned algorithm, typ, expiry, issuer/audience and the
// live session all check out; token/verify answers the same question without side effects.
import { describe, expect, it } from 'bun:test'
import * as jose from 'jose'
import { authServices } from '../../src/auth/services.ts'
import { revokeSession } from '../../src/auth/sessions.ts'
import { bearer, loggedIn, makeAuthApp, post } from './helpers.ts'

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')

async function setup(overrides = {}) {
  const t = makeAuthApp({ useAuthCookie: false, ...overrides })
  const { body } = await loggedIn(t)
  const access = body.access_token!
  return { t, access, refresh: body.refresh_token!, header: jose.decodeProtectedHeader(access), claims: jose.decodeJwt(access) }
}

async function expectRefused(t: ReturnType<typeof makeAuthApp>, token: string) {
  const res = await t.req('/probe', { headers: bearer(token) })
  expect(res.status).toBe(401)
  expect(res.headers.get('www-authenticate')).toContain('invalid_token')
  expect((await res.json()).code).toBe('token_not_valid')
  expect((await post(t, '/api/auth/token/verify', { token })).status).toBe(401)
}

describe('access token validation', () => {
  it('carries the claims of API.md §4', async () => {
    const { header, claims, t } = await setup({ jwtIssuer: 'https://auth.example.com', jwtAudience: 'api' })
    expect(header).toMatchObject({ alg: 'EdDSA', typ: 'at+jwt' })
    expect(typeof header.kid).toBe('string')
    expect(claims).toMatchObject({ sub: '1', user_id: '1', token_type: 'access', iss: 'https://auth.example.com', aud: 'api' })
    expect(typeof claims.sid).toBe('string')
    expect(typeof claims.jti).toBe('string')
    expect(claims.exp! - claims.iat!).toBe(300)
    expect(claims.iat).toBe(Math.floor(t.clock.now() / 1000))
  })

  it('refuses a token with a bad signature', async () => {
    const { t, header, claims } = await setup()
    const { privateKey } = await jose.generateKeyPair('EdDSA', { crv: 'Ed25519' })
    const forged = await new jose.SignJWT(claims).setProtectedHeader(header as jose.JWTHeaderParameters).sign(privateKey)
    await expectRefused(t, forged)
  })

  it('refuses a token whose claims were changed after signing', async () => {
    const { t, access, claims } = await setup()
    const [h, , s] = access.split('.')
    await expectRefused(t, `${h}.${b64({ ...claims, exp: claims.exp! + 3600 })}.${s}`)
  })

  it('refuses alg: none', async () => {
    const { t, header, claims } = await setup()
    await expectRefused(t, `${b64({ ...header, alg: 'none' })}.${b64(claims)}.`)
  })

  it('refuses an HS256 token signed with the public key', async () => {
    const { t, header, claims } = await setup()
    const jwks = await (await t.req('/.well-known/jwks.json')).json()
    const jwk = jwks.keys.find((k: { kid: string }) => k.kid === header.kid)
    const publicKey = await jose.importJWK(jwk, 'EdDSA')
    const secrets = [JSON.stringify(jwk), await jose.exportSPKI(publicKey as CryptoKey), jwk.x]
    for (const secret of secrets) {
      const forged = await new jose.SignJWT(claims)
        .setProtectedHeader({ ...header, alg: 'HS256' } as jose.JWTHeaderParameters)
        .sign(new TextEncoder().encode(secret))
      await expectRefused(t, forged)
    }
  })

  it('refuses an expired token', async () => {
    const { t, access } = await setup()
    expect((await t.req('/probe', { headers: bearer(access) })).status).toBe(200) // verified (and remembered) once
    t.clock.advance(301)
    await expectRefused(t, access)
    expect(await (await post(t, '/api/auth/token/verify', { token: access })).json()).toEqual({
      detail: 'Token is expired',
      code: 'token_not_valid',
    })
  })

  it('refuses a token of a revoked session', async () => {
    const { t, access, claims } = await setup()
    expect((await t.req('/probe', { headers: bearer(access) })).status).toBe(200)
    revokeSession(t.deps.db, claims.sid as string, { now: t.clock.now(), reason: 'admin' })
    await expectRefused(t, access)
  })

  it('refuses a refresh token used as an access token', async () => {
    const { t, refresh } = await setup()
    const res = await t.req('/probe', { headers: bearer(refresh) })
    expect(res.status).toBe(401)
    expect((await res.json()).code).toBe('token_not_valid')
  })

  it('refuses a token for another issuer or audience, even with a valid signature', async () => {
    const { t, header, claims } = await setup({ jwtIssuer: 'https://a.example.com', jwtAudience: 'api' })
    const { key } = await authServices(t.deps).keys.signingKey()
    for (const change of [{ iss: 'https://evil.example.com' }, { aud: 'other' }, { iss: undefined }]) {
      const forged = await new jose.SignJWT({ ...claims, ...change }).setProtectedHeader(header as jose.JWTHeaderParameters).sign(key)
      await expectRefused(t, forged)
    }
  })

  it('refuses a validly signed token with another typ', async () => {
    const { t, header, claims } = await setup()
    const { key } = await authServices(t.deps).keys.signingKey()
    const forged = await new jose.SignJWT(claims).setProtectedHeader({ ...header, typ: 'JWT' } as jose.JWTHeaderParameters).sign(key)
    await expectRefused(t, forged)
  })
})

describe('token/verify', () => {
  it('answers {} for a valid access or refresh token', async () => {
    const { t, access, refresh } = await setup()
    for (const token of [access, refresh]) {
      const res = await post(t, '/api/auth/token/verify/', { token })
      expect(res.status).toBe(200)
      expect(await res.json()).toEqual({})
    }
  })

  it('answers "Token is invalid" for garbage and needs the field', async () => {
    const { t } = await setup()
    expect(await (await post(t, '/api/auth/token/verify', { token: 'not-a-jwt' })).json()).toEqual({
      detail: 'Token is invalid',
      code: 'token_not_valid',
    })
    expect(await (await post(t, '/api/auth/token/verify', {})).json()).toEqual({ token: ['This field is required.'] })
  })

  it('does not use up a refresh token', async () => {
    const { t, refresh } = await setup()
    await post(t, '/api/auth/token/verify', { token: refresh })
    expect((await post(t, '/api/auth/token/refresh', { refresh })).status).toBe(200)
    // Rotated away now: no longer valid.
    expect((await post(t, '/api/auth/token/verify', { token: refresh })).status).toBe(401)
  })
})
