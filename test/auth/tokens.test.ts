// Access tokens are accepted only when signature, pinned algorithm, typ, expiry, issuer/audience and the
// live session all check out; token/verify answers the same question without side effects.
import { describe, expect, it } from 'bun:test'
import * as jose from 'jose'
import { rotateSigningKey } from '../../src/auth/keys.ts'
import { revokeSession } from '../../src/auth/sessions.ts'
import { bearer, loggedIn, makeAuthApp, post } from './helpers.ts'
import { selectOne } from '../helpers/db.ts'

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
    await revokeSession(t.deps.db, claims.sid as string, { now: t.clock.now(), reason: 'admin' })
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
    const { key } = await t.deps.auth.keys.signingKey()
    for (const change of [{ iss: 'https://evil.example.com' }, { aud: 'other' }, { iss: undefined }]) {
      const forged = await new jose.SignJWT({ ...claims, ...change }).setProtectedHeader(header as jose.JWTHeaderParameters).sign(key)
      await expectRefused(t, forged)
    }
  })

  it('refuses a validly signed token with another typ', async () => {
    const { t, header, claims } = await setup()
    const { key } = await t.deps.auth.keys.signingKey()
    const forged = await new jose.SignJWT(claims).setProtectedHeader({ ...header, typ: 'JWT' } as jose.JWTHeaderParameters).sign(key)
    await expectRefused(t, forged)
  })
})

/** Compact JWS signed by hand with the server's own current key: only what we put in it is wrong. */
async function signedByUs(t: ReturnType<typeof makeAuthApp>, header: unknown, payload: unknown) {
  const { sign } = await t.deps.auth.keys.signingKey()
  const part = (v: unknown) =>
    v instanceof Buffer ? v.toString('base64url') : typeof v === 'string' ? Buffer.from(v).toString('base64url') : b64(v)
  const input = typeof header === 'function' ? header(part(payload)) : `${part(header)}.${part(payload)}`
  return `${input}.${(await sign(input)).toString('base64url')}`
}

describe('malformed and forged tokens (the parser of src/auth/jws.ts)', () => {
  it('accepts a token signed by hand the same way (the cases below differ in one thing each)', async () => {
    const { t, header, claims } = await setup()
    const token = await signedByUs(t, header, claims)
    expect((await t.req('/probe', { headers: bearer(token) })).status).toBe(200)
  })

  it('refuses a token with the wrong number of segments', async () => {
    const { t, access } = await setup()
    const [h, p, s] = access.split('.')
    for (const token of [`${h}.${p}`, `${access}.${s}`, `${h}.${p}.${s}.${s}.${s}`, `${h}..${s}`, `${h}.${p}.`]) {
      await expectRefused(t, token)
    }
  })

  it('refuses characters outside base64url, padding and a non-canonical signature encoding', async () => {
    const { t, access } = await setup()
    const [h, p, s] = access.split('.') as [string, string, string]
    // A 64-byte signature is 86 characters whose last one carries 4 unused bits: flipping one decodes to the same bytes.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    const lastBits = s.slice(0, -1) + alphabet[alphabet.indexOf(s.at(-1)!) ^ 1]
    expect(Buffer.from(lastBits, 'base64url').equals(Buffer.from(s, 'base64url'))).toBe(true)
    for (const token of [`${h}.${p}.${s}=`, `${h}.${p}.${s}==`, `${h}=.${p}.${s}`, `${h}.${p}.${s.slice(0, 40)}*${s.slice(40)}`, `${h}.${p}.${s.slice(0, 40)}+${s.slice(41)}`, `${h}.${p}.${lastBits}`]) {
      await expectRefused(t, token)
    }
  })

  it('refuses a correctly signed token whose segments are not plain base64url', async () => {
    const { t, header, claims } = await setup()
    const h = b64(header)
    for (const segment of [`${h}=`, `${h}==`, `${h.slice(0, 5)}+${h.slice(6)}`, `${h.slice(0, 5)}/${h.slice(6)}`, ` ${h}`]) {
      await expectRefused(t, await signedByUs(t, (p: string) => `${segment}.${p}`, claims))
    }
  })

  it('refuses a JWS JSON serialization of a valid token', async () => {
    const { t, access } = await setup()
    const [h, p, s] = access.split('.')
    await expectRefused(t, JSON.stringify({ protected: h, payload: p, signature: s }))
    await expectRefused(t, JSON.stringify({ payload: p, signatures: [{ protected: h, signature: s }] }))
  })

  it('refuses a correctly signed header or payload that is not a JSON object', async () => {
    const { t, header, claims } = await setup()
    for (const bad of ['not json', '[]', 'null', '"EdDSA"', '\xff']) {
      await expectRefused(t, await signedByUs(t, bad, claims))
      await expectRefused(t, await signedByUs(t, header, bad))
    }
    // Invalid UTF-8 inside a string: decoded leniently it would become U+FFFD and parse.
    const json = Buffer.from(JSON.stringify({ ...claims, jti: '~' }))
    json[json.indexOf('"~"') + 1] = 0xff
    await expectRefused(t, await signedByUs(t, header, json))
  })

  it('refuses a correctly signed token with a crit header', async () => {
    const { t, header, claims } = await setup()
    await expectRefused(t, await signedByUs(t, { ...header, crit: ['exp'] }, claims))
    await expectRefused(t, await signedByUs(t, { ...header, crit: [] }, claims))
  })

  it('refuses a correctly signed token whose alg is spelled differently', async () => {
    const { t, header, claims } = await setup()
    for (const alg of ['eddsa', 'Ed25519', 'EdDSA ', ['EdDSA'], undefined]) {
      await expectRefused(t, await signedByUs(t, { ...header, alg }, claims))
    }
  })

  it('refuses a token whose kid names a stored key of another algorithm', async () => {
    const { t, header, claims } = await setup()
    const otherKid = await rotateSigningKey(t.deps, 'ES256')
    const row = (await selectOne(t.deps.db, 'SELECT private_jwk FROM signing_keys WHERE kid = $kid', { kid: otherKid })) as { private_jwk: string }
    const es256 = await jose.importJWK(JSON.parse(row.private_jwk), 'ES256')
    for (const alg of ['ES256', 'EdDSA']) {
      const forged = await new jose.SignJWT(claims).setProtectedHeader({ ...header, alg: 'ES256', kid: otherKid } as jose.JWTHeaderParameters).sign(es256)
      const [, p, s] = forged.split('.')
      await expectRefused(t, `${b64({ ...header, alg, kid: otherKid })}.${p}.${s}`)
    }
    // And our genuine EdDSA signature under a header naming that key:
    await expectRefused(t, await signedByUs(t, { ...header, kid: otherKid }, claims))
  })

  it('refuses a token without a kid, or with an unknown or non-string kid', async () => {
    const { t, header, claims } = await setup()
    for (const kid of [undefined, '', 'unknown', 1, [header.kid], { kid: header.kid }]) {
      await expectRefused(t, await signedByUs(t, { ...header, kid }, claims))
    }
  })

  it('refuses a correctly signed token missing a required claim or with one of the wrong type', async () => {
    const { t, header, claims } = await setup()
    for (const claim of ['exp', 'iat', 'jti', 'sub', 'sid', 'token_type']) {
      await expectRefused(t, await signedByUs(t, header, { ...claims, [claim]: undefined }))
      await expectRefused(t, await signedByUs(t, header, { ...claims, [claim]: claim === 'exp' || claim === 'iat' ? String(claims[claim]) : 7 }))
    }
    await expectRefused(t, await signedByUs(t, header, { ...claims, sub: 'alice' }))
    await expectRefused(t, await signedByUs(t, header, { ...claims, nbf: claims.iat! + 60 }))
    await expectRefused(t, await signedByUs(t, header, { ...claims, nbf: 'now' }))
  })

  it('refuses a forged refresh token at token/refresh/ as well', async () => {
    const { t, refresh } = await setup()
    const header = jose.decodeProtectedHeader(refresh)
    const claims = jose.decodeJwt(refresh)
    const [h, p, s] = refresh.split('.')
    for (const token of [
      `${b64({ ...header, alg: 'none' })}.${p}.`,
      await signedByUs(t, { ...header, crit: ['exp'] }, claims),
      await signedByUs(t, { ...header, typ: 'at+jwt' }, claims),
      JSON.stringify({ protected: h, payload: p, signature: s }),
      `${h}.${p}.${s}.`,
      `${h}.${p}.${s}=`,
    ]) {
      const res = await post(t, '/api/auth/token/refresh/', { refresh: token })
      expect(res.status).toBe(401)
      expect((await res.json()).code).toBe('token_not_valid')
    }
    expect((await post(t, '/api/auth/token/refresh/', { refresh })).status).toBe(200) // the real one still works
  })

  it('accepts an aud array holding the configured audience, and refuses one without it', async () => {
    const { t, header, claims } = await setup({ jwtAudience: 'api' })
    expect((await t.req('/probe', { headers: bearer(await signedByUs(t, header, { ...claims, aud: ['other', 'api'] })) })).status).toBe(200)
    await expectRefused(t, await signedByUs(t, header, { ...claims, aud: ['other'] }))
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
