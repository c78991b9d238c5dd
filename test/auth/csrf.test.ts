// CSRF protection for cookie-authenticated requests (API.md §4).
import { describe, expect, it } from 'bun:test'
import { bearer, cookieHeader, createUser, loggedIn, login, makeAuthApp, post, setCookies } from './helpers.ts'

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
