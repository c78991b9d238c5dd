// CSRF protection for cookie-authenticated requests (API.md §4).
import { describe, expect, it } from 'bun:test'
import { silentLogger } from '../../src/http/logger.ts'
import { serve } from '../../src/http/server.ts'
import { PASSWORD, bearer, cookieHeader, createUser, loggedIn, login, makeAuthApp, post, setCookies } from './helpers.ts'
import { selectOne } from '../helpers/db.ts'

async function cookieSession(overrides = {}) {
  const t = makeAuthApp(overrides)
  const { body, cookies } = await loggedIn(t)
  const jar = { 'auth-jwt': cookies['auth-jwt']!, csrftoken: cookies.csrftoken! }
  return { t, body, jar, cookie: cookieHeader(jar) }
}

describe('CSRF', () => {
  it('a cookie-authenticated POST without the CSRF header gets 403 and changes nothing', async () => {
    const { t, jar, cookie } = await cookieSession()
    const res = await post(t, '/api/auth/logout', {}, { cookie })
    expect(res.status).toBe(403)
    const body = await res.json()
    expect(body.code).toBe('csrf_failed')
    expect(body.detail).toStartWith('CSRF Failed: ')
    expect(res.headers.getSetCookie()).toEqual([])
    // Still logged in.
    expect((await t.req('/probe', { headers: { cookie } })).status).toBe(200)
    expect((await post(t, '/probe', {}, { cookie })).status).toBe(403)
    // The refused POSTs never reached the handler: the first one that passes is its first run.
    const passed = await post(t, '/probe', {}, { cookie, 'x-csrftoken': jar.csrftoken })
    expect(await passed.json()).toMatchObject({ posts: 1 })
  })

  it('the same request with a Bearer header passes', async () => {
    const { t, body, cookie } = await cookieSession()
    const res = await post(t, '/probe', {}, { cookie, ...bearer(body.access_token!) })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ authVia: 'header', posts: 1 })
  })

  it('passes with X-CSRFToken equal to the csrftoken cookie', async () => {
    const { t, jar, cookie } = await cookieSession()
    const res = await post(t, '/probe', {}, { cookie, 'x-csrftoken': jar.csrftoken })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ authVia: 'cookie', posts: 1 })
  })

  it('refuses a header that does not match the cookie', async () => {
    const { t, cookie } = await cookieSession()
    expect((await post(t, '/probe', {}, { cookie, 'x-csrftoken': 'something-else' })).status).toBe(403)
  })

  it('refuses a matching pair planted by someone else (not bound to this session)', async () => {
    const { t, jar } = await cookieSession()
    const planted = (await (await t.req('/api/auth/csrf/')).json()).csrftoken as string
    const res = await post(t, '/probe', {}, { cookie: cookieHeader({ ...jar, csrftoken: planted }), 'x-csrftoken': planted })
    expect(res.status).toBe(403)
  })

  it('refuses a foreign Origin and accepts our own and trusted ones', async () => {
    const { t, jar, cookie } = await cookieSession({ csrfTrustedOrigins: ['https://app.example.com'] })
    const headers = { cookie, 'x-csrftoken': jar.csrftoken }
    const evil = await post(t, '/probe', {}, { ...headers, origin: 'https://evil.example.com' })
    expect(evil.status).toBe(403)
    expect((await evil.json()).detail).toContain('Origin checking failed')
    expect((await post(t, '/probe', {}, { ...headers, origin: 'http://localhost' })).status).toBe(200)
    expect((await post(t, '/probe', {}, { ...headers, origin: 'https://app.example.com' })).status).toBe(200)
  })

  it('an origin allowed by CORS_ALLOWED_ORIGINS is trusted for CSRF too (one list to set)', async () => {
    const { t, jar, cookie } = await cookieSession({ corsAllowedOrigins: ['https://app.example.com'] })
    const headers = { cookie, 'x-csrftoken': jar.csrftoken }
    expect((await post(t, '/probe', {}, { ...headers, origin: 'https://app.example.com' })).status).toBe(200)
    expect((await post(t, '/probe', {}, { ...headers, origin: 'https://evil.example.com' })).status).toBe(403)
    // Trusting the origin does not waive the token.
    expect((await post(t, '/probe', {}, { cookie, origin: 'https://app.example.com' })).status).toBe(403)
  })

  it('uses PUBLIC_URL as our own origin when set', async () => {
    const { t, jar, cookie } = await cookieSession({ publicUrl: 'https://auth.example.com' })
    const headers = { cookie, 'x-csrftoken': jar.csrftoken }
    expect((await post(t, '/probe', {}, { ...headers, origin: 'https://auth.example.com' })).status).toBe(200)
    expect((await post(t, '/probe', {}, { ...headers, origin: 'http://localhost' })).status).toBe(403)
  })

  it('does not apply to safe methods', async () => {
    const { t, cookie } = await cookieSession()
    expect((await t.req('/probe', { headers: { cookie } })).status).toBe(200)
  })

  it('GET csrf/ sets the cookie and returns the same value', async () => {
    const t = makeAuthApp()
    const res = await t.req('/api/auth/csrf')
    expect(res.status).toBe(200)
    const { csrftoken } = await res.json()
    expect(setCookies(res).csrftoken).toBe(csrftoken)
  })

  it('GET csrf/ gives a logged-in cookie client a token that works for its session', async () => {
    const { t, jar } = await cookieSession()
    const res = await t.req('/api/auth/csrf', { headers: { cookie: cookieHeader({ 'auth-jwt': jar['auth-jwt'] }) } })
    const { csrftoken } = await res.json()
    const ok = await post(t, '/probe', {}, { cookie: cookieHeader({ ...jar, csrftoken }), 'x-csrftoken': csrftoken })
    expect(ok.status).toBe(200)
  })

  it('token mode cookies are protected the same way', async () => {
    const t = makeAuthApp({ authType: 'token' })
    await createUser(t)
    const cookies = setCookies(await login(t))
    const cookie = cookieHeader({ 'auth-token': cookies['auth-token']!, csrftoken: cookies.csrftoken! })
    expect((await post(t, '/probe', {}, { cookie })).status).toBe(403)
    expect((await post(t, '/probe', {}, { cookie, 'x-csrftoken': cookies.csrftoken! })).status).toBe(200)
  })
})

describe('a cross-origin page cannot log the browser in (login CSRF)', () => {
  it('refuses a login that would set cookies from a foreign Origin with 403 csrf_failed and sets nothing', async () => {
    const t = makeAuthApp({ corsAllowedOrigins: ['https://app.example.com'], csrfTrustedOrigins: ['https://admin.example.com'] })
    await createUser(t)
    const body = { username: 'alice', password: PASSWORD }
    const evil = await login(t, body, { origin: 'https://evil.example.com' })
    expect(evil.status).toBe(403)
    expect(await evil.json()).toEqual({
      detail: 'CSRF Failed: Origin checking failed - https://evil.example.com does not match any trusted origins.',
      code: 'csrf_failed',
    })
    expect(evil.headers.getSetCookie()).toEqual([])
    expect((await login(t, body, { origin: 'null' })).status).toBe(403)
    for (const origin of ['http://localhost', 'https://app.example.com', 'https://admin.example.com']) {
      expect((await login(t, body, { origin })).status).toBe(200)
    }
    // No Origin: not a browser's cross-origin request (curl, apps).
    expect((await login(t, body)).status).toBe(200)
  })

  it('refuses a registration from a foreign Origin before it reads the body, and creates nobody', async () => {
    const t = makeAuthApp()
    const res = await t.req('/api/auth/registration/', {
      method: 'POST',
      headers: { origin: 'https://evil.example.com' },
      json: { username: 'mallory', email: 'm@example.com', password1: 'velvet-Otter-91-lamp', password2: 'velvet-Otter-91-lamp' },
    })
    expect(res.status).toBe(403)
    expect((await res.json()).code).toBe('csrf_failed')
    expect(await selectOne(t.deps.db, 'SELECT count(*) AS n FROM users')).toEqual({ n: 0 })
    const bad = await t.req('/api/auth/registration/', { method: 'POST', headers: { origin: 'https://evil.example.com' }, json: {} })
    expect(bad.status).toBe(403)
  })

  it('leaves a login that sets no cookies alone (USE_AUTH_COOKIE=false: header-only clients)', async () => {
    const t = makeAuthApp({ useAuthCookie: false })
    await createUser(t)
    expect((await login(t, { username: 'alice', password: PASSWORD }, { origin: 'https://evil.example.com' })).status).toBe(200)
  })
})

describe('an HTTPS cookie-authenticated write without Origin needs a same-origin Referer (Django)', () => {
  it('checks Referer when PUBLIC_URL is https', async () => {
    const { t, jar, cookie } = await cookieSession({ publicUrl: 'https://auth.example.com', csrfTrustedOrigins: ['https://app.example.com'] })
    const headers = { cookie, 'x-csrftoken': jar.csrftoken }
    const refused = async (referer: string | undefined, detail: string) => {
      const res = await post(t, '/probe', {}, referer === undefined ? headers : { ...headers, referer })
      expect(res.status).toBe(403)
      expect(await res.json()).toEqual({ detail: `CSRF Failed: ${detail}`, code: 'csrf_failed' })
    }
    await refused(undefined, 'Referer checking failed - no Referer.')
    await refused('not a url', 'Referer checking failed - Referer is malformed.')
    await refused('http://auth.example.com/api/auth/ui/', 'Referer checking failed - Referer is insecure while host is secure.')
    await refused('https://evil.example.com/page?token=x', 'Referer checking failed - https://evil.example.com does not match any trusted origins.')
    await refused('https://auth.example.com.evil.com/', 'Referer checking failed - https://auth.example.com.evil.com does not match any trusted origins.')
    expect((await post(t, '/probe', {}, { ...headers, referer: 'https://auth.example.com/api/auth/ui/' })).status).toBe(200)
    expect((await post(t, '/probe', {}, { ...headers, referer: 'https://app.example.com/settings' })).status).toBe(200)
    // An allowed Origin is enough, as in Django.
    expect((await post(t, '/probe', {}, { ...headers, origin: 'https://auth.example.com' })).status).toBe(200)
  })

  it('does not ask plain-http requests for a Referer', async () => {
    const { t, jar, cookie } = await cookieSession()
    expect((await post(t, '/probe', {}, { cookie, 'x-csrftoken': jar.csrftoken })).status).toBe(200)
  })

  it('believes X-Forwarded-Proto: https only from a trusted proxy', async () => {
    const { t, jar, cookie } = await cookieSession({ trustedProxies: ['127.0.0.1'] })
    const server = serve(t.app, { port: 0, hostname: '127.0.0.1', maxBodySize: 65536, accessLog: false, log: silentLogger })
    try {
      const base = `http://localhost:${server.port}`
      const send = (headers: Record<string, string>) =>
        fetch(`${base}/probe`, { method: 'POST', headers: { cookie, 'x-csrftoken': jar.csrftoken, 'content-type': 'application/json', ...headers }, body: '{}' })
      const noReferer = await send({ 'x-forwarded-proto': 'https' })
      expect(noReferer.status).toBe(403)
      expect((await noReferer.json()).detail).toBe('CSRF Failed: Referer checking failed - no Referer.')
      expect((await send({ 'x-forwarded-proto': 'https', referer: `https://localhost:${server.port}/x` })).status).toBe(200)
      expect((await send({ 'x-forwarded-proto': 'https', origin: `https://localhost:${server.port}` })).status).toBe(200)
      expect((await send({ 'x-forwarded-proto': 'http' })).status).toBe(200)
    } finally {
      server.stop(true)
    }
    const untrusted = await cookieSession()
    const server2 = serve(untrusted.t.app, { port: 0, hostname: '127.0.0.1', maxBodySize: 65536, accessLog: false, log: silentLogger })
    try {
      const res = await fetch(`http://localhost:${server2.port}/probe`, {
        method: 'POST',
        headers: { cookie: untrusted.cookie, 'x-csrftoken': untrusted.jar.csrftoken, 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
        body: '{}',
      })
      expect(res.status).toBe(200)
    } finally {
      server2.stop(true)
    }
  })
})
