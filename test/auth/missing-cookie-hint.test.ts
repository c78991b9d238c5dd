// A 401 to a browser frontend on an allowed origin says why no cookie came (API.md §1 CORS), and only to it.
import { describe, expect, it } from 'bun:test'
import { crossOriginNote, missingCookieHint } from '../../src/auth/cross-origin.ts'
import { type Config, defaults } from '../../src/config/settings.ts'
import { isCrossSite } from '../../src/lib/sites.ts'
import { bearer, createUser, login, makeAuthApp } from './helpers.ts'

const cfg = (o: Partial<Config> = {}): Config => ({ ...defaults(), corsAllowedOrigins: ['https://app.example.org'], ...o })

describe('the missing-cookie hint', () => {
  it('a 401 without credentials from an allowed cross-site origin keeps not_authenticated and explains SameSite', async () => {
    const t = makeAuthApp({ corsAllowedOrigins: ['https://app.example.org'] })
    const res = await t.req('/probe', { headers: { origin: 'https://app.example.org' } })
    expect(res.status).toBe(401)
    const body = await res.json()
    expect(body.code).toBe('not_authenticated')
    expect(body.detail).toBe('Authentication credentials were not provided.')
    expect(body.hint).toContain('No auth cookie came with this request from https://app.example.org')
    expect(body.hint).toContain('AUTH_COOKIE_SAMESITE=None (it is Lax')
    expect(body.hint).toContain("credentials: 'include'")
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="api"')
  })

  it('no hint for origins that are not allowed, nor without Origin, nor for a bad token', async () => {
    const t = makeAuthApp({ corsAllowedOrigins: ['https://app.example.org'] })
    for (const headers of [{ origin: 'https://evil.example.org' }, {}] as Record<string, string>[]) {
      const body = await (await t.req('/probe', { headers })).json()
      expect(body.hint).toBeUndefined()
    }
    await createUser(t)
    expect((await login(t)).status).toBe(200)
    const bad = await (await t.req('/probe', { headers: { origin: 'https://app.example.org', ...bearer('x.y.z') } })).json()
    expect(bad.code).toBe('token_not_valid')
    expect(bad.hint).toBeUndefined()
  })

  it('says what is still missing once SameSite=None is set', () => {
    const hint = missingCookieHint(cfg({ authCookieSamesite: 'None', authCookieSecure: true }), 'https://app.example.org', 'https://auth.example.com/x', null)!
    expect(hint).not.toContain('AUTH_COOKIE_SAMESITE')
    expect(hint).toContain('AUTH_COOKIE_PARTITIONED=true')
  })

  it('with every cookie setting right, it points at login and the browser, not at a setting', () => {
    const all = cfg({ authCookieSamesite: 'None', authCookieSecure: true, authCookiePartitioned: true })
    const hint = missingCookieHint(all, 'https://app.example.org', 'https://auth.example.com/x', null)!
    expect(hint).not.toContain('AUTH_COOKIE_')
    expect(hint).toContain('has not logged in yet')
    expect(hint).not.toMatch(/only with \./)
  })

  it('a same-site frontend is told to include credentials and log in, not to change SameSite', () => {
    const hint = missingCookieHint(cfg({ corsAllowedOrigins: ['https://app.example.com'] }), 'https://app.example.com', 'https://auth.example.com/x', null)!
    expect(hint).toContain("credentials: 'include'")
    expect(hint).not.toContain('SAMESITE')
  })

  it('tells sites apart by scheme and registrable domain, not by port', () => {
    expect(isCrossSite('http://127.0.0.1:3000', 'http://127.0.0.1:8000/')).toBe(false)
    expect(isCrossSite('https://app.example.com', 'https://auth.example.com/')).toBe(false)
    expect(isCrossSite('http://localhost:3000', 'http://127.0.0.1:8000/')).toBe(true)
    expect(isCrossSite('http://example.com', 'https://example.com/')).toBe(true)
    expect(isCrossSite('https://app.example.org', 'https://auth.example.com/')).toBe(true)
  })

  it('the start-up note says what a cross-site frontend needs and where its CSRF token comes from', () => {
    expect(crossOriginNote(cfg({ corsAllowedOrigins: [] }))).toBeNull()
    const note = crossOriginNote(cfg())!
    expect(note).toContain('frontends allowed with credentials (also trusted for CSRF): https://app.example.org')
    expect(note).toContain('auth cookies are SameSite=Lax; Secure')
    expect(note).toContain('SameSite=None with Secure (and Partitioned')
    expect(note).toContain("X-CSRFToken taken from GET /api/auth/csrf/'s body")
  })
})
