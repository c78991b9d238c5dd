// Finding 6: token answers were cacheable and JSON answers could be sniffed. Every answer now carries
// nosniff and a Referrer-Policy, every API answer Cache-Control: no-store, every HTML page a CSP.
import { describe, expect, it } from 'bun:test'
import { GOOD_PASSWORD, linkIn, lastMail, register, registeredAndLoggedIn } from '../accounts/helpers.ts'
import { makeTestApp } from '../helpers/app.ts'

function expectSafeHeaders(res: Response, what: string) {
  expect({ what, nosniff: res.headers.get('x-content-type-options') }).toEqual({ what, nosniff: 'nosniff' })
  expect({ what, referrer: Boolean(res.headers.get('referrer-policy')) }).toEqual({ what, referrer: true })
}

describe('token answers are never cached and no answer can be sniffed', () => {
  it('login, refresh, token verify, user/ and the errors carry no-store, nosniff and a Referrer-Policy', async () => {
    const t = makeTestApp()
    const auth = await registeredAndLoggedIn(t)
    const login = await t.req('/api/auth/login/', { method: 'POST', json: { username: 'ann', password: GOOD_PASSWORD } })
    const { access_token } = (await login.clone().json()) as { access_token: string }
    const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
    const csrf = /csrftoken=([^;]+)/.exec(cookie)![1]!
    const answers: [string, Response][] = [
      ['login', login],
      ['refresh', await t.req('/api/auth/token/refresh/', { method: 'POST', headers: { cookie, 'x-csrftoken': csrf }, json: {} })],
      ['verify', await t.req('/api/auth/token/verify/', { method: 'POST', json: { token: access_token } })],
      ['user', await t.req('/api/auth/user/', { headers: auth })],
      ['401', await t.req('/api/auth/user/')],
      ['404', await t.req('/api/auth/nowhere/')],
      ['400', await t.req('/api/auth/login/', { method: 'POST', json: {} })],
      ['bad host', await t.req('/api/auth/user/', { headers: { host: 'evil.example' } })],
      ['healthz', await t.req('/healthz')],
    ]
    for (const [what, res] of answers) {
      expect({ what, status: res.status < 500 }).toEqual({ what, status: true })
      expectSafeHeaders(res, what)
      expect({ what, cache: res.headers.get('cache-control') }).toEqual({ what, cache: 'no-store' })
    }
    expect(answers[1]![1].status).toBe(200)
    expect(answers[2]![1].status).toBe(200)
  })

  it('the public key set stays cacheable', async () => {
    const res = await makeTestApp().req('/.well-known/jwks.json')
    expect(res.headers.get('cache-control')).toBe('public, max-age=300')
    expectSafeHeaders(res, 'jwks')
  })
})

describe('every HTML page carries a CSP that keeps it out of other sites\' frames', () => {
  it("API docs and the e-mailed link pages: frame-ancestors 'none'; the testing UI: 'self'", async () => {
    const t = makeTestApp({ debug: true })
    await register(t)
    const verify = linkIn((await lastMail(t)).text_body)
    const pages: [string, string, string][] = [
      ['/api/docs/', "frame-ancestors 'none'", 'swagger'],
      ['/api/redoc/', "frame-ancestors 'none'", 'redoc'],
      [`${verify.pathname}${verify.search}`, "frame-ancestors 'none'", 'verify page'],
      ['/api/auth/ui/', "frame-ancestors 'self'", 'testing UI'],
    ]
    for (const [path, ancestors, what] of pages) {
      const res = await t.req(path)
      expect({ what, status: res.status }).toEqual({ what, status: 200 })
      expect(res.headers.get('content-type')).toStartWith('text/html')
      expect({ what, csp: res.headers.get('content-security-policy')?.includes(ancestors) }).toEqual({ what, csp: true })
      expectSafeHeaders(res, what)
    }
  })
})
