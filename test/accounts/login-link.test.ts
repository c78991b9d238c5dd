// E-mailed sign-in links (API.md §8.3): the request answers the same for everyone, the link works once and
// expires, and the page it opens never uses it by being opened.
import { describe, expect, it } from 'bun:test'
import type { Config } from '../../src/config/settings.ts'
import { sha256 } from '../../src/lib/crypto.ts'
import { type TestApp, makeTestApp } from '../helpers/app.ts'
import { execute, selectAll, selectOne } from '../helpers/db.ts'
import { form, lastMail, linkIn, mails, registeredAndLoggedIn } from './helpers.ts'

const SENT = { detail: 'If this address has an account, a sign-in link has been sent.' }
const INVALID = { token: ['Invalid value'] }

async function linkApp(overrides: Partial<Config> = {}) {
  const t = makeTestApp({ useEmailLinkLogin: true, ...overrides })
  await registeredAndLoggedIn(t)
  return t
}

const ask = (t: TestApp, email = 'ann@example.com', headers: Record<string, string> = {}) =>
  t.req('/api/auth/login/email-link/', { method: 'POST', json: { email }, headers })
const verify = (t: TestApp, token: string, headers: Record<string, string> = {}) =>
  t.req('/api/auth/login/email-link/verify/', { method: 'POST', json: { token }, headers })

/** Asks for a link for ann and returns the URL in the mail. */
async function link(t: TestApp): Promise<URL> {
  expect((await ask(t)).status).toBe(200)
  const mail = await lastMail(t, 'ann@example.com')
  expect(mail.kind).toBe('login_link')
  return linkIn(mail.text_body)
}

describe('POST login/email-link/', () => {
  it('USE_EMAIL_LINK_LOGIN off: the routes and the page are 404', async () => {
    const t = makeTestApp()
    expect((await ask(t)).status).toBe(404)
    expect((await verify(t, 'x')).status).toBe(404)
    expect((await t.req('/sign-in-link?token=x')).status).toBe(404)
  })

  it('enumeration-safe request: the same answer for a known, an unknown and an inactive address; mail only to the account', async () => {
    const t = await linkApp()
    const before = (await mails(t)).length
    const known = await ask(t, 'ANN@example.com')
    const unknown = await ask(t, 'nobody@example.com')
    expect([known.status, unknown.status]).toEqual([200, 200])
    expect(await known.text()).toBe(JSON.stringify(SENT))
    expect(await unknown.text()).toBe(JSON.stringify(SENT))
    const sent = (await mails(t)).slice(before)
    expect(sent.map((m) => [m.recipient, m.kind])).toEqual([['ann@example.com', 'login_link']])
    await execute(t.deps.db, 'UPDATE users SET is_active = 0', {})
    expect(await (await ask(t)).json()).toEqual(SENT)
    expect((await mails(t)).length).toBe(before + 1)
  })

  it('tokens are random and stored only hashed', async () => {
    const t = await linkApp()
    const token = (await link(t)).searchParams.get('token')!
    expect(token.length).toBeGreaterThanOrEqual(43)
    const rows = await selectAll<{ token_hash: string }>(t.deps.db, 'SELECT token_hash FROM login_links', {})
    expect(rows.map((r) => r.token_hash)).toEqual([sha256(token)])
  })

  it('the link opens an authkit page without a frontend, and FRONTEND_BASE_URL + LOGIN_LINK_PATH with one', async () => {
    const own = await linkApp()
    const url = await link(own)
    expect(`${url.origin}${url.pathname}`).toBe('http://localhost/sign-in-link')
    const front = await linkApp({ frontendBaseUrl: 'https://app.example.com', loginLinkPath: '/auth/link' })
    expect(`${(await link(front)).origin}${(await link(front)).pathname}`).toBe('https://app.example.com/auth/link')
  })

  it('rate limits: past the per-address limit the same 200 and no mail; past the per-IP limit 429', async () => {
    const t = await linkApp({ accountRateLimits: ['login_link=3/m/ip', 'login_link=1/m/key'] })
    const before = (await mails(t)).length
    expect((await ask(t)).status).toBe(200)
    expect(await (await ask(t)).json()).toEqual(SENT)
    expect((await mails(t)).length).toBe(before + 1)
    expect((await ask(t, 'other@example.com')).status).toBe(200)
    const over = await ask(t, 'third@example.com')
    expect(over.status).toBe(429)
    expect(over.headers.get('retry-after')).not.toBeNull()
  })
})

describe('POST login/email-link/verify/', () => {
  it('signs in: the login response with cookies, for the link\'s user', async () => {
    const t = await linkApp()
    const token = (await link(t)).searchParams.get('token')!
    const res = await verify(t, token)
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body.user.username).toBe('ann')
    expect(typeof body.access_token).toBe('string')
    expect(res.headers.getSetCookie().some((c) => c.startsWith('auth-jwt='))).toBe(true)
  })

  it('token single-use: a second use is refused', async () => {
    const t = await linkApp()
    const token = (await link(t)).searchParams.get('token')!
    expect((await verify(t, token)).status).toBe(200)
    const again = await verify(t, token)
    expect(again.status).toBe(400)
    expect(await again.json()).toEqual(INVALID)
  })

  it('expired link (LOGIN_LINK_LIFETIME, 15 minutes) is refused', async () => {
    const t = await linkApp()
    const token = (await link(t)).searchParams.get('token')!
    t.clock.advance(15 * 60)
    expect(await (await verify(t, token)).json()).toEqual(INVALID)
  })

  it('a link just inside LOGIN_LINK_LIFETIME still works', async () => {
    const t = await linkApp({ loginLinkLifetime: 60 })
    const token = (await link(t)).searchParams.get('token')!
    t.clock.advance(59)
    expect((await verify(t, token)).status).toBe(200)
  })

  it('an unknown or blank token is refused; a deactivated user\'s link no longer works', async () => {
    const t = await linkApp()
    expect(await (await verify(t, 'made-up-token')).json()).toEqual(INVALID)
    expect((await verify(t, '')).status).toBe(400)
    const token = (await link(t)).searchParams.get('token')!
    await execute(t.deps.db, 'UPDATE users SET is_active = 0', {})
    expect(await (await verify(t, token)).json()).toEqual(INVALID)
  })

  it('login CSRF: verify from a foreign Origin is 403 csrf_failed and leaves the token usable', async () => {
    const t = await linkApp()
    const token = (await link(t)).searchParams.get('token')!
    const res = await verify(t, token, { origin: 'https://evil.example' })
    expect(res.status).toBe(403)
    expect((await res.json()).code).toBe('csrf_failed')
    expect((await verify(t, token)).status).toBe(200)
  })
})

describe('the sign-in link page', () => {
  it('GET of the page does not consume the token; its POST signs in with cookies, once', async () => {
    const t = await linkApp()
    const url = await link(t)
    const token = url.searchParams.get('token')!
    for (let i = 0; i < 3; i++) {
      const page = await t.req(`${url.pathname}${url.search}`)
      expect(page.status).toBe(200)
      expect(page.headers.get('cache-control')).toBe('no-store')
      // Not no-referrer: under it Chromium sends `Origin: null` with the form's POST and the login-CSRF guard refuses it.
      expect(page.headers.get('referrer-policy')).toBe('same-origin')
      expect(await page.text()).toContain('Sign in')
    }
    const row = await selectOne<{ used_at: number | null }>(t.deps.db, 'SELECT used_at FROM login_links', {})
    expect(row!.used_at).toBeNull()
    const done = await t.req(url.pathname, { ...form({ token }), headers: { ...form({}).headers, origin: 'http://localhost' } })
    expect(done.status).toBe(200)
    expect(await done.text()).toContain('You are signed in')
    expect(done.headers.getSetCookie().some((c) => c.startsWith('auth-jwt='))).toBe(true)
    const again = await t.req(url.pathname, form({ token }))
    expect(again.status).toBe(400)
    expect(await again.text()).toContain('does not work')
    expect((await t.req(`${url.pathname}${url.search}`)).status).toBe(400)
  })

  it('the page refuses a POST from a foreign Origin (login CSRF)', async () => {
    const t = await linkApp()
    const token = (await link(t)).searchParams.get('token')!
    const res = await t.req('/sign-in-link', { ...form({ token }), headers: { ...form({}).headers, origin: 'https://evil.example' } })
    expect(res.status).toBe(403)
  })
})
