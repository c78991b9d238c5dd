// Signing keys: JWKS for services behind authkit, key rotation, and every supported algorithm.
import { describe, expect, it } from 'bun:test'
import { join } from 'node:path'
import * as jose from 'jose'
import { createApp } from '../../src/app.ts'
import { rotateSigningKey } from '../../src/auth/keys.ts'
import { createAuthServices } from '../../src/auth/services.ts'
import { openDatabase } from '../../src/db/open.ts'
import { silentLogger } from '../../src/http/logger.ts'
import { ManualClock } from '../../src/lib/clock.ts'
import { testConfig } from '../helpers/app.ts'
import { tempDirs } from '../helpers/temp.ts'
import { bearer, loggedIn, login, makeAuthApp, post } from './helpers.ts'

type T = ReturnType<typeof makeAuthApp>
const tempDir = tempDirs('authkit-keys-')

const jwksOf = async (t: T) => (await (await t.req('/.well-known/jwks.json')).json()) as jose.JSONWebKeySet

/** What a sidecar does: verify an access token with nothing but the JWKS. */
const sidecarVerify = async (t: T, token: string, alg: string) =>
  jose.jwtVerify(token, jose.createLocalJWKSet(await jwksOf(t)), { algorithms: [alg], currentDate: new Date(t.clock.now()) })

const accessToken = async (t: T) => ((await (await login(t)).json()) as { access_token: string }).access_token

describe('JWKS and signing keys', () => {
  it('the JWKS verifies an access token with jose', async () => {
    const t = makeAuthApp({ useAuthCookie: false })
    const { body } = await loggedIn(t)
    const jwks = await jwksOf(t)
    expect(jwks.keys).toHaveLength(1)
    expect(jwks.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' })
    expect(jwks.keys[0]!.d).toBeUndefined() // never the private part
    const { payload, protectedHeader } = await sidecarVerify(t, body.access_token!, 'EdDSA')
    expect(protectedHeader.kid).toBe(jwks.keys[0]!.kid!)
    expect(payload).toMatchObject({ sub: '1', token_type: 'access' })
  })

  it('rotation keeps old tokens valid until they expire', async () => {
    const t = makeAuthApp({ useAuthCookie: false })
    const { body } = await loggedIn(t)
    const oldKid = jose.decodeProtectedHeader(body.access_token!).kid
    const newKid = await rotateSigningKey({ db: t.deps.db, config: t.deps.config, clock: t.clock })
    expect(newKid).not.toBe(oldKid)

    // New tokens use the new key; old ones still pass here and at a sidecar.
    const fresh = await accessToken(t)
    expect(jose.decodeProtectedHeader(fresh).kid).toBe(newKid)
    expect((await t.req('/probe', { headers: bearer(body.access_token!) })).status).toBe(200)
    expect((await sidecarVerify(t, body.access_token!, 'EdDSA')).payload.sub).toBe('1')
    expect((await jwksOf(t)).keys.map((k) => k.kid).sort()).toEqual([oldKid, newKid].sort())
    // A refresh token signed by the old key still refreshes.
    expect((await post(t, '/api/auth/token/refresh', { refresh: body.refresh_token })).status).toBe(200)

    // Once everything the old key signed has expired (refresh lifetime: 1 day), it is gone.
    t.clock.advance(86_401)
    expect((await jwksOf(t)).keys.map((k) => k.kid)).toEqual([newKid])
    expect((await t.req('/probe', { headers: bearer(body.access_token!) })).status).toBe(401)
  })

  it('a key rotated by another process signs new tokens within a second', async () => {
    const path = join(tempDir(), 'authkit.db')
    const clock = new ManualClock()
    const config = testConfig()
    const deps = { config, db: openDatabase(path, { clock }), clock, log: silentLogger }
    const keys = createAuthServices(deps).keys
    const before = (await keys.signingKey()).kid
    // `authkit keys rotate` in another process: its own connection to the same file.
    const other = openDatabase(path, { clock })
    const rotated = await rotateSigningKey({ db: other, config, clock })
    await other.close()
    expect(rotated).not.toBe(before)
    clock.advance(1)
    expect((await keys.signingKey()).kid).toBe(rotated)
    await deps.db.close()
  })

  it('keeps the key pair in the database: another app on the same data signs with the same key', async () => {
    const t = makeAuthApp({ useAuthCookie: false })
    const first = await jwksOf(t)
    const again = createApp({ ...t.deps })
    const res = await again.handle(new Request('http://localhost/.well-known/jwks.json'))
    expect(await res.json()).toEqual(first)
  })

  for (const [alg, kty] of [
    ['RS256', 'RSA'],
    ['ES256', 'EC'],
  ] as const) {
    it(`works with ${alg}`, async () => {
      const t = makeAuthApp({ useAuthCookie: false, jwtAlgorithm: alg })
      const { body } = await loggedIn(t)
      expect(jose.decodeProtectedHeader(body.access_token!).alg).toBe(alg)
      expect((await jwksOf(t)).keys[0]).toMatchObject({ kty, alg })
      expect((await sidecarVerify(t, body.access_token!, alg)).payload.sub).toBe('1')
      expect((await t.req('/probe', { headers: bearer(body.access_token!) })).status).toBe(200)
    })
  }

  it('works with HS256 (SECRET_KEY) and publishes no keys', async () => {
    const t = makeAuthApp({ useAuthCookie: false, jwtAlgorithm: 'HS256' })
    const { body } = await loggedIn(t)
    expect(jose.decodeProtectedHeader(body.access_token!).alg).toBe('HS256')
    const { payload } = await jose.jwtVerify(body.access_token!, new TextEncoder().encode(t.deps.config.secretKey), {
      currentDate: new Date(t.clock.now()),
    })
    expect(payload.sub).toBe('1')
    expect((await t.req('/probe', { headers: bearer(body.access_token!) })).status).toBe(200)
    expect(await jwksOf(t)).toEqual({ keys: [] })
  })

  it('pins the algorithm: tokens of a previously configured algorithm are refused', async () => {
    const t = makeAuthApp({ useAuthCookie: false })
    const { body } = await loggedIn(t)
    const switched = createApp({ ...t.deps, config: { ...t.deps.config, jwtAlgorithm: 'ES256' } })
    const res = await switched.handle(new Request('http://localhost/api/auth/token/verify', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: body.access_token }),
    }))
    expect(res.status).toBe(401)
  })
})
