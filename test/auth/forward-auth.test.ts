// forward-auth/ (API.md §12): a reverse proxy asks whether a request may pass; the answer follows the same
// rules as every authenticated route (revocation at once, CSRF on cookie-authenticated writes).
import { beforeEach, describe, expect, it } from 'bun:test'
import type { Config } from '../../src/config/settings.ts'
import { makeTestApp, type TestApp } from '../helpers/app.ts'
import { execute } from '../helpers/db.ts'
import { bearer, cookieHeader, createUser, login, setCookies } from './helpers.ts'

const FA = '/api/auth/forward-auth/'
const SITE = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'app.example.com', 'x-forwarded-uri': '/reports/7?tab=2' }
const HTML = { accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8' }

async function signedIn(overrides: Partial<Config> = {}) {
  const t = makeTestApp(overrides)
  const id = await createUser(t)
  const res = await login(t)
  const body = (await res.json()) as { access_token: string }
  return { t, id, access: body.access_token, cookies: setCookies(res) }
}

describe('forward-auth/ answers', () => {
  let s: Awaited<ReturnType<typeof signedIn>>
  beforeEach(async () => {
    s = await signedIn()
  })

  it('a valid bearer token gets 200 with the X-Auth-* headers naming the user and session', async () => {
    const res = await s.t.req(FA, { headers: bearer(s.access) })
    expect(res.status).toBe(200)
    expect(res.headers.get('x-auth-user-id')).toBe(String(s.id))
    expect(res.headers.get('x-auth-username')).toBe('alice')
    expect(res.headers.get('x-auth-email')).toBe('alice@example.com')
    expect(res.headers.get('x-auth-session')).toMatch(/.+/)
    expect(res.headers.get('cache-control')).toBe('no-store')
  })

  it('a valid auth cookie gets 200, with or without the trailing slash and for any method the proxy uses', async () => {
    const cookie = cookieHeader({ 'auth-jwt': s.cookies['auth-jwt']! })
    // A proxy asking with POST about a GET says so in X-Forwarded-Method (without it, POST is judged, CSRF and all).
    for (const [path, method] of [[FA, 'GET'], ['/api/auth/forward-auth', 'GET'], [FA, 'HEAD'], [FA, 'POST'], [FA, 'PUT']] as const) {
      const res = await s.t.req(path, { method, headers: { cookie, 'x-forwarded-method': 'GET' } })
      expect({ path, method, status: res.status }).toEqual({ path, method, status: 200 })
      expect(res.headers.get('x-auth-username')).toBe('alice')
    }
  })

  it('no credential gets 401 with the contract body and WWW-Authenticate', async () => {
    const res = await s.t.req(FA, { headers: SITE })
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toContain('Bearer')
    expect(await res.json()).toEqual({ detail: 'Authentication credentials were not provided.', code: 'not_authenticated' })
    expect(res.headers.get('x-auth-user-id')).toBeNull()
  })

  it('forward auth refuses a session revoked by logout at once', async () => {
    expect((await s.t.req(FA, { headers: bearer(s.access) })).status).toBe(200)
    expect((await s.t.req('/api/auth/logout/', { method: 'POST', headers: bearer(s.access) })).status).toBe(200)
    const res = await s.t.req(FA, { headers: bearer(s.access) })
    expect(res.status).toBe(401)
    expect(((await res.json()) as { code: string }).code).toBe('token_not_valid')
  })

  it('token mode: the opaque key passes as Token or Bearer', async () => {
    const t = makeTestApp({ authType: 'token' })
    await createUser(t)
    const { key } = (await (await login(t)).json()) as { key: string }
    for (const scheme of ['Token', 'Bearer']) {
      const res = await t.req(FA, { headers: { authorization: `${scheme} ${key}` } })
      expect(res.status).toBe(200)
      expect(res.headers.get('x-auth-username')).toBe('alice')
    }
    expect((await t.req(FA, { headers: { authorization: 'Token wrong' } })).status).toBe(401)
  })

  it('an inactive user is refused', async () => {
    await execute(s.t.deps.db, 'UPDATE users SET is_active = 0 WHERE id = $id', { id: s.id })
    expect((await s.t.req(FA, { headers: bearer(s.access) })).status).toBe(401)
  })
})

describe('forward auth CSRF on cookie-authenticated unsafe methods (judged on X-Forwarded-Method)', () => {
  const csrfHeaders = (s: Awaited<ReturnType<typeof signedIn>>, extra: Record<string, string> = {}) => ({
    cookie: cookieHeader({ 'auth-jwt': s.cookies['auth-jwt']!, csrftoken: s.cookies.csrftoken! }),
    ...SITE,
    ...extra,
  })

  it('forward auth refuses a cookie-authenticated POST without X-CSRFToken (403 csrf_failed)', async () => {
    const s = await signedIn()
    const res = await s.t.req(FA, { headers: csrfHeaders(s, { 'x-forwarded-method': 'POST' }) })
    expect(res.status).toBe(403)
    expect(((await res.json()) as { code: string }).code).toBe('csrf_failed')
  })

  it('forward auth refuses a cookie-authenticated POST from a foreign Origin even with the token', async () => {
    const s = await signedIn()
    const headers = csrfHeaders(s, { 'x-forwarded-method': 'POST', 'x-csrftoken': s.cookies.csrftoken!, origin: 'https://evil.example' })
    expect((await s.t.req(FA, { headers })).status).toBe(403)
  })

  it('passes a cookie-authenticated POST with the token from the protected site itself, and GETs without one', async () => {
    const s = await signedIn()
    const post = csrfHeaders(s, { 'x-forwarded-method': 'POST', 'x-csrftoken': s.cookies.csrftoken!, origin: 'https://app.example.com' })
    expect((await s.t.req(FA, { headers: post })).status).toBe(200)
    expect((await s.t.req(FA, { headers: csrfHeaders(s, { 'x-forwarded-method': 'GET' }) })).status).toBe(200)
  })

  it('treats an unknown X-Forwarded-Method as unsafe, and exempts bearer-authenticated requests', async () => {
    const s = await signedIn()
    expect((await s.t.req(FA, { headers: csrfHeaders(s, { 'x-forwarded-method': 'PURGE' }) })).status).toBe(403)
    expect((await s.t.req(FA, { headers: { ...SITE, ...bearer(s.access), 'x-forwarded-method': 'DELETE' } })).status).toBe(200)
  })
})

describe('FORWARD_AUTH_LOGIN_URL', () => {
  let t: TestApp
  const LOGIN = 'https://auth.example.com/login'
  beforeEach(() => {
    t = makeTestApp({ forwardAuthLoginUrl: LOGIN, publicUrl: 'https://app.example.com', corsAllowedOrigins: ['https://spa.example.com'] })
  })
  const next = (res: Response) => new URL(res.headers.get('location')!).searchParams.get('next')

  it('sends a browser without a session to the login URL with next= the original URL', async () => {
    const res = await t.req(FA, { headers: { ...SITE, ...HTML } })
    expect(res.status).toBe(302)
    expect(res.headers.get('location')!.startsWith(`${LOGIN}?next=`)).toBe(true)
    expect(next(res)).toBe('https://app.example.com/reports/7?tab=2')
  })

  it('takes nginx X-Original-URI and any allowed origin; ?login_status=401 keeps the Location on a 401 (for nginx)', async () => {
    const headers = { ...HTML, 'x-forwarded-proto': 'https', 'x-forwarded-host': 'spa.example.com', 'x-original-uri': '/a/b' }
    const res = await t.req(`${FA}?login_status=401`, { headers })
    expect(res.status).toBe(401)
    expect(next(res)).toBe('https://spa.example.com/a/b')
  })

  it('forward auth is never an open redirect: a host or URI outside the allowed origins drops next=', async () => {
    const forged = [
      { ...SITE, 'x-forwarded-host': 'evil.example' },
      { ...SITE, 'x-forwarded-uri': '//evil.example/x' },
      { ...SITE, 'x-forwarded-uri': '/\\evil.example/x' },
      { ...SITE, 'x-forwarded-host': 'app.example.com@evil.example' },
      { ...SITE, 'x-forwarded-proto': 'javascript' },
      { ...SITE, 'x-forwarded-host': 'app.example.com:443' },
    ]
    for (const h of forged) {
      const res = await t.req(FA, { headers: { ...h, ...HTML } })
      expect(res.status).toBe(302)
      expect(res.headers.get('location')).toBe(LOGIN)
    }
  })

  it('API clients (no HTML in Accept) still get 401 JSON', async () => {
    const res = await t.req(FA, { headers: { ...SITE, accept: 'application/json' } })
    expect(res.status).toBe(401)
    expect(res.headers.get('location')).toBeNull()
  })

  it('unset, browsers get 401 too', async () => {
    const plain = makeTestApp()
    expect((await plain.req(FA, { headers: { ...SITE, ...HTML } })).status).toBe(401)
  })
})
