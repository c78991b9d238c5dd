// The browser flow (GET social/{slug}/authorize/ -> provider -> GET social/{slug}/callback/) against a real
// OpenID Connect provider on loopback, with the browser's cookies carried by hand.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { hashParams, hashPassword } from '../../src/users/passwords.ts'
import { createUsersRepo } from '../../src/users/users.repo.ts'
import type { Config } from '../../src/config/settings.ts'
import type { TestApp } from '../helpers/app.ts'
import { execute, selectAll } from '../helpers/db.ts'
import { HOST, callbackOf, cookieHeader, cookiesOf, snapshot, socialApp } from './helpers.ts'
import { type RealProvider, signInAtProvider, startRealProvider } from './provider.ts'

let idp: RealProvider

beforeAll(async () => {
  idp = await startRealProvider([callbackOf('idp')])
})
afterAll(() => idp.close())

const appWith = (overrides: Partial<Config> = {}) =>
  socialApp([{ slug: 'idp', kind: 'oidc', issuer: idp.issuer, client_id: idp.clientId, client_secret: idp.clientSecret }], overrides)

/** GET authorize/: the provider URL and the state cookie. */
async function authorize(t: TestApp, next = '/api/auth/ui/', headers: Record<string, string> = {}) {
  const res = await t.req(`/api/auth/social/idp/authorize/?next=${encodeURIComponent(next)}`, { headers })
  expect(res.status).toBe(302)
  return { provider: new URL(res.headers.get('location')!), stateCookie: cookiesOf(res).get('authkit_social_state')!, setCookie: res.headers.getSetCookie() }
}

/** The whole flow up to the callback request, which is returned unsent. */
async function throughProvider(t: TestApp, login: string, next?: string) {
  const a = await authorize(t, next)
  const back = await signInAtProvider(a.provider.href, login)
  return { ...a, callback: back.pathname + back.search }
}

const callback = (t: TestApp, path: string, stateCookie?: string, extra = '') =>
  t.req(path, { headers: { cookie: [stateCookie ? `authkit_social_state=${stateCookie}` : '', extra].filter(Boolean).join('; ') } })

describe('the browser flow', () => {
  it('authorize/ redirects to the provider with state, PKCE S256 and a nonce; the state is in a short-lived HttpOnly cookie', async () => {
    const t = appWith()
    const a = await authorize(t)
    expect(a.provider.origin).toBe(idp.issuer)
    const q = a.provider.searchParams
    expect(q.get('response_type')).toBe('code')
    expect(q.get('code_challenge_method')).toBe('S256')
    expect(q.get('code_challenge')).toMatch(/^[\w-]{43}$/)
    expect(q.get('nonce')?.length).toBeGreaterThanOrEqual(32)
    expect(q.get('redirect_uri')).toBe(callbackOf('idp'))
    expect(q.get('state')).toBe(a.stateCookie)
    const line = a.setCookie.find((c) => c.startsWith('authkit_social_state='))!
    expect(line).toContain('HttpOnly')
    expect(line).toContain('SameSite=Lax')
    expect(line).toContain('Max-Age=600')
    expect(line).toContain('Path=/api/auth/social/')
    // Stored hashed: the database never holds the state itself.
    const rows = await selectAll<{ state_hash: string }>(t.deps.db, 'SELECT state_hash FROM social_states')
    expect(rows).toHaveLength(1)
    expect(rows[0]!.state_hash).not.toBe(a.stateCookie)
  })

  it('signs in with cookies and redirects to next', async () => {
    const t = appWith()
    const flow = await throughProvider(t, 'browser-user', '/api/auth/ui/?tab=1')
    const res = await callback(t, flow.callback, flow.stateCookie)
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe(`${HOST}/api/auth/ui/?tab=1`)
    const cookies = cookiesOf(res)
    expect(cookies.get('authkit_social_state')).toBe('')
    expect(cookies.get('auth-jwt')).toBeTruthy()
    const me = await t.req('/api/auth/user/', { headers: { cookie: cookieHeader(cookies) } })
    expect(me.status).toBe(200)
    expect((await me.json()).email).toBe('browser-user@example.com')
  })

  it("a wrong state is refused: another flow's cookie, no cookie, or a state not sent by us; nothing changes", async () => {
    const t = appWith()
    const mine = await throughProvider(t, 'wrong-state')
    const other = await authorize(t)
    const before = await snapshot(t)
    for (const cookie of [other.stateCookie, undefined, 'forged-state']) {
      const res = await callback(t, mine.callback, cookie)
      expect(res.status).toBe(400)
      expect(await res.json()).toEqual({ non_field_errors: ['Failed to complete OAuth flow'] })
      expect(cookiesOf(res).get('auth-jwt')).toBeUndefined()
    }
    expect(await snapshot(t)).toEqual(before)
  })

  it('a replayed state is refused: each state works once', async () => {
    const t = appWith()
    const flow = await throughProvider(t, 'replayer')
    expect((await callback(t, flow.callback, flow.stateCookie)).status).toBe(302)
    const before = await snapshot(t)
    const again = await callback(t, flow.callback, flow.stateCookie)
    expect(again.status).toBe(400)
    expect(await again.json()).toEqual({ non_field_errors: ['Failed to complete OAuth flow'] })
    expect(await snapshot(t)).toEqual(before)
  })

  it('an expired state is refused (10 minutes)', async () => {
    const t = appWith()
    const flow = await throughProvider(t, 'slowpoke')
    t.clock.advance(601)
    const res = await callback(t, flow.callback, flow.stateCookie)
    expect(res.status).toBe(400)
    expect(await selectAll(t.deps.db, 'SELECT id FROM users')).toEqual([])
  })

  it("a wrong nonce is refused: the ID token's nonce must be the flow's", async () => {
    const t = appWith()
    const flow = await throughProvider(t, 'nonce-victim')
    await execute(t.deps.db, "UPDATE social_states SET nonce = 'not-the-one-sent'")
    const before = await snapshot(t)
    const res = await callback(t, flow.callback, flow.stateCookie)
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ non_field_errors: ['Failed to complete OAuth flow'] })
    expect(await snapshot(t)).toEqual(before)
  })

  it('a provider error (the user said no) answers "Failed to complete OAuth flow" and uses the state up', async () => {
    const t = appWith()
    const a = await authorize(t)
    const res = await callback(t, `/api/auth/social/idp/callback/?error=access_denied&state=${a.stateCookie}`, a.stateCookie)
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ non_field_errors: ['Failed to complete OAuth flow'] })
    expect(await selectAll(t.deps.db, 'SELECT id FROM social_states')).toEqual([])
  })

  it('connects a provider account to the signed-in user with process=connect', async () => {
    const t = appWith()
    const passwordHash = await hashPassword('Quiet-Harbor-Lantern-77', hashParams(t.deps.config))
    const id = await createUsersRepo(t.deps.db).insert({ username: 'gina', email: 'gina@example.com', passwordHash, emailVerified: true, now: t.clock.now() })
    const login = await t.req('/api/auth/login/', { method: 'POST', json: { username: 'gina', password: 'Quiet-Harbor-Lantern-77' } })
    const session = cookieHeader(cookiesOf(login))
    const start = await t.req('/api/auth/social/idp/authorize/?process=connect&next=/api/auth/ui/', { headers: { cookie: session } })
    expect(start.status).toBe(302)
    const back = await signInAtProvider(start.headers.get('location')!, 'gina-at-idp')
    const res = await callback(t, back.pathname + back.search, cookiesOf(start).get('authkit_social_state'), session)
    expect(res.status).toBe(302)
    expect(await selectAll(t.deps.db, 'SELECT user_id, uid FROM social_accounts')).toEqual([{ user_id: id, uid: 'gina-at-idp' }])
    // Without a session, process=connect is refused before anything is stored.
    expect((await t.req('/api/auth/social/idp/authorize/?process=connect')).status).toBe(401)
  })
})

describe('never an open redirect', () => {
  const refused = [
    'https://evil.example/',
    '//evil.example/path',
    '/\\evil.example/path',
    'https:evil.example',
    'javascript:alert(1)',
    'http://localhost.evil.example/',
    'http://user@evil.example/',
    'http://localhost:8080/', // another port is another origin
  ]

  it.each(refused)('authorize/ refuses next=%s and stores nothing', async (next) => {
    const t = appWith()
    const res = await t.req(`/api/auth/social/idp/authorize/?next=${encodeURIComponent(next)}`)
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ next: ['This redirect target is not allowed.'] })
    expect(res.headers.get('location')).toBeNull()
    expect(await selectAll(t.deps.db, 'SELECT id FROM social_states')).toEqual([])
  })

  it("accepts authkit's own origin, FRONTEND_BASE_URL and SOCIAL_ALLOWED_REDIRECT_ORIGINS; no next means authkit's /", async () => {
    const t = appWith({ frontendBaseUrl: 'https://app.example.com', socialAllowedRedirectOrigins: ['https://other.example.com'] })
    for (const next of ['/api/auth/ui/', 'http://localhost/x', 'https://app.example.com/welcome', 'https://other.example.com/']) {
      expect((await t.req(`/api/auth/social/idp/authorize/?next=${encodeURIComponent(next)}`)).status).toBe(302)
    }
    const flow = await throughProvider(t, 'no-next', '')
    const res = await callback(t, flow.callback, flow.stateCookie)
    expect(res.headers.get('location')).toBe(`${HOST}/`)
  })

  it('a stored next that is no longer allowed falls back to authkit\'s /', async () => {
    const t = appWith()
    const flow = await throughProvider(t, 'stale-next')
    await execute(t.deps.db, "UPDATE social_states SET next_url = 'https://evil.example/'")
    const res = await callback(t, flow.callback, flow.stateCookie)
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe(`${HOST}/`)
  })
})
