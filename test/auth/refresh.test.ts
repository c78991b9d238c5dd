// POST token/refresh/: rotation, reuse detection and the grace window for concurrent refreshes.
import { describe, expect, it } from 'bun:test'
import { memoryLogger } from '../../src/http/logger.ts'
import { sha256 } from '../../src/lib/crypto.ts'
import { bearer, cookieHeader, loggedIn, makeAuthApp, post, setCookieLine, setCookies } from './helpers.ts'
import { execute, selectAll } from '../helpers/db.ts'

const refresh = (t: ReturnType<typeof makeAuthApp>, token: string) => post(t, '/api/auth/token/refresh/', { refresh: token })

describe('token refresh', () => {
  it('answers a new access token and a new refresh token', async () => {
    const t = makeAuthApp({ useAuthCookie: false })
    const { body } = await loggedIn(t)
    t.clock.advance(30)
    const res = await refresh(t, body.refresh_token!)
    expect(res.status).toBe(200)
    const next = await res.json()
    expect(Object.keys(next).sort()).toEqual(['access_expiration', 'access_token', 'refresh_expiration', 'refresh_token'])
    expect(next.refresh_token).not.toBe(body.refresh_token)
    expect(next.access_expiration).toBe(new Date(t.clock.now() + 300_000).toISOString())
    expect((await t.req('/probe', { headers: bearer(next.access_token) })).status).toBe(200)
    expect((await refresh(t, next.refresh_token)).status).toBe(200)
  })

  it('a replayed rotated refresh token revokes the session', async () => {
    const log = memoryLogger()
    const t = makeAuthApp({ useAuthCookie: false, refreshTokenReuseInterval: 10 }, { log })
    const { body } = await loggedIn(t)
    const next = await (await refresh(t, body.refresh_token!)).json()
    t.clock.advance(11)
    const replay = await refresh(t, body.refresh_token!)
    expect(replay.status).toBe(401)
    expect((await replay.json()).code).toBe('token_not_valid')
    // The whole session is gone: the legitimate holder's tokens too.
    expect((await refresh(t, next.refresh_token)).status).toBe(401)
    expect((await t.req('/probe', { headers: bearer(next.access_token) })).status).toBe(401)
    expect((await t.req('/probe', { headers: bearer(body.access_token!) })).status).toBe(401)
    expect(log.lines).toEqual(['warning: refresh token reuse detected for user 1: session revoked'])
  })

  it('a concurrent refresh inside the grace window does not', async () => {
    const t = makeAuthApp({ useAuthCookie: false, refreshTokenReuseInterval: 10 })
    const { body } = await loggedIn(t)
    const [a, b] = await Promise.all([refresh(t, body.refresh_token!), refresh(t, body.refresh_token!)])
    expect(a.status).toBe(200)
    expect(b.status).toBe(200)
    const tabA = await a.json()
    t.clock.advance(5)
    const late = await refresh(t, body.refresh_token!) // the slow tab, still inside the window
    expect(late.status).toBe(200)
    const tabB = await late.json()
    // Both tabs now hold the current token of the chain, and the session lives on.
    expect(tabB.refresh_token).toBe(tabA.refresh_token)
    expect((await t.req('/probe', { headers: bearer(tabB.access_token) })).status).toBe(200)
    expect((await refresh(t, tabA.refresh_token)).status).toBe(200)
  })

  it('a deactivated user cannot refresh, and the refused token is not used up', async () => {
    const t = makeAuthApp({ useAuthCookie: false })
    const { body } = await loggedIn(t)
    await execute(t.deps.db, "UPDATE users SET is_active = 0 WHERE username = 'alice'")
    const refused = await refresh(t, body.refresh_token!)
    expect(refused.status).toBe(401)
    expect(await refused.json()).toEqual({ detail: 'Token is invalid', code: 'token_not_valid' })
    const rows = await selectAll<{ rotated_at: number | null }>(t.deps.db, 'SELECT rotated_at FROM refresh_tokens')
    expect(rows).toEqual([{ rotated_at: null }])
    await execute(t.deps.db, "UPDATE users SET is_active = 1 WHERE username = 'alice'")
    expect((await refresh(t, body.refresh_token!)).status).toBe(200)
  })

  it('a refresh token of a revoked session is refused and not used up', async () => {
    const t = makeAuthApp({ useAuthCookie: false })
    const { body } = await loggedIn(t)
    await execute(t.deps.db, 'UPDATE sessions SET revoked_at = $now', { now: t.clock.now() })
    expect((await refresh(t, body.refresh_token!)).status).toBe(401)
    expect(await selectAll(t.deps.db, 'SELECT rotated_at FROM refresh_tokens')).toEqual([{ rotated_at: null }])
  })

  it('answers "No valid refresh token found." without one', async () => {
    const t = makeAuthApp()
    const res = await post(t, '/api/auth/token/refresh')
    expect(res.status).toBe(401)
    expect(await res.json()).toEqual({ detail: 'No valid refresh token found.', code: 'token_not_valid' })
  })

  it('refuses an expired refresh token as expired', async () => {
    const t = makeAuthApp({ useAuthCookie: false })
    const { body } = await loggedIn(t)
    t.clock.advance(86_401)
    const res = await refresh(t, body.refresh_token!)
    expect(res.status).toBe(401)
    expect(await res.json()).toEqual({ detail: 'Token is expired', code: 'token_not_valid' })
  })

  it('refuses an access token as a refresh token', async () => {
    const t = makeAuthApp({ useAuthCookie: false })
    const { body } = await loggedIn(t)
    expect((await refresh(t, body.access_token!)).status).toBe(401)
  })

  it('keeps the refresh token when rotation is off', async () => {
    const t = makeAuthApp({ useAuthCookie: false, rotateRefreshTokens: false })
    const { body } = await loggedIn(t)
    const next = await (await refresh(t, body.refresh_token!)).json()
    expect(next.refresh_token).toBe(body.refresh_token)
    expect((await refresh(t, body.refresh_token!)).status).toBe(200)
  })

  it('reads the refresh cookie, requires CSRF for it and resets the cookies', async () => {
    const t = makeAuthApp()
    const { cookies } = await loggedIn(t)
    const jar = { 'auth-refresh-jwt': cookies['auth-refresh-jwt']!, csrftoken: cookies.csrftoken! }
    const without = await post(t, '/api/auth/token/refresh', {}, { cookie: cookieHeader(jar) })
    expect(without.status).toBe(403)
    expect((await without.json()).code).toBe('csrf_failed')
    const res = await post(t, '/api/auth/token/refresh', {}, { cookie: cookieHeader(jar), 'x-csrftoken': jar.csrftoken })
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body.refresh_token).toBe('')
    const set = setCookies(res)
    expect(set['auth-jwt']).toBe(body.access_token)
    expect(set['auth-refresh-jwt']).not.toBe(jar['auth-refresh-jwt'])
    expect(setCookieLine(res, 'auth-refresh-jwt')).toContain('HttpOnly')
  })

  it('is not there in token mode (404), nor is token/verify', async () => {
    const t = makeAuthApp({ authType: 'token' })
    expect((await post(t, '/api/auth/token/refresh', { refresh: 'x' })).status).toBe(404)
    expect((await post(t, '/api/auth/token/verify', { token: 'x' })).status).toBe(404)
  })
})

describe('refresh tokens on record', () => {
  type Row = { jti: string; token_hash: string | null }
  const rows = (t: ReturnType<typeof makeAuthApp>) => selectAll<Row>(t.deps.db, 'SELECT * FROM refresh_tokens')
  const jtiOf = (token: string) => (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { jti: string }).jti
  /** The token's header and payload under another valid signature by the same key. */
  const withSignatureOf = (token: string, donor: string) => `${token.split('.').slice(0, 2).join('.')}.${donor.split('.')[2]}`

  it('refresh tokens are stored only as a SHA-256 digest', async () => {
    const t = makeAuthApp({ useAuthCookie: false })
    const { body } = await loggedIn(t)
    const next = await (await refresh(t, body.refresh_token!)).json()
    const stored = Object.fromEntries((await rows(t)).map((r) => [r.jti, r.token_hash]))
    expect(stored).toEqual({ [jtiOf(body.refresh_token!)]: sha256(body.refresh_token!), [jtiOf(next.refresh_token)]: sha256(next.refresh_token) })
    const everything = JSON.stringify((await selectAll(t.deps.db, 'SELECT * FROM refresh_tokens')))
    for (const token of [body.refresh_token!, next.refresh_token]) expect(everything).not.toContain(token.split('.')[2])
  })

  it('a recorded jti under another signature is refused and uses nothing up', async () => {
    const t = makeAuthApp({ useAuthCookie: false })
    const { body } = await loggedIn(t)
    const forged = withSignatureOf(body.refresh_token!, body.access_token!)
    expect(forged).not.toBe(body.refresh_token)
    const res = await refresh(t, forged)
    expect(res.status).toBe(401)
    expect(await res.json()).toEqual({ detail: 'Token is invalid', code: 'token_not_valid' })
    expect((await post(t, '/api/auth/token/verify', { token: forged })).status).toBe(401)
    expect((await refresh(t, body.refresh_token!)).status).toBe(200)
  })

  it('a token recorded without a digest (before migration 0006) is checked by its signature', async () => {
    const t = makeAuthApp({ useAuthCookie: false })
    const { body } = await loggedIn(t)
    await execute(t.deps.db, 'UPDATE refresh_tokens SET token_hash = NULL')
    expect((await refresh(t, withSignatureOf(body.refresh_token!, body.access_token!))).status).toBe(401)
    expect((await refresh(t, body.refresh_token!)).status).toBe(200)
  })

  it('with ES256, the re-signed token a concurrent refresh gets still refreshes', async () => {
    // ECDSA signatures are randomised: the second tab's copy of the current token is not byte-identical to
    // the recorded one, so it is accepted by its signature.
    const t = makeAuthApp({ useAuthCookie: false, jwtAlgorithm: 'ES256', refreshTokenReuseInterval: 10 })
    const { body } = await loggedIn(t)
    const [a, b] = await Promise.all([refresh(t, body.refresh_token!), refresh(t, body.refresh_token!)])
    const tabA = await a.json()
    const tabB = await b.json()
    expect(jtiOf(tabB.refresh_token)).toBe(jtiOf(tabA.refresh_token))
    expect(tabB.refresh_token).not.toBe(tabA.refresh_token)
    expect((await refresh(t, tabB.refresh_token)).status).toBe(200)
  })
})
