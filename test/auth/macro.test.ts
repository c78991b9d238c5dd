// The `auth` route option: credentials, 401 shapes, and one working macro per app.
import { describe, expect, it } from 'bun:test'
import { bearer, createUser, makeAuthApp, mintAccessToken } from './helpers.ts'

describe('auth macro', () => {
  it('two apps built in one file each authenticate against their own database', async () => {
    const a = makeAuthApp()
    const b = makeAuthApp()
    const alice = await createUser(a, { username: 'alice' })
    await createUser(b, { username: 'bob', email: 'bob@example.com' })
    const { token } = await mintAccessToken(a, alice)

    const resA = await a.req('/probe', { headers: bearer(token) })
    expect(resA.status).toBe(200)
    expect(await resA.json()).toMatchObject({ user: 'alice', authVia: 'header' })

    // b has its own keys and sessions: a's token means nothing there.
    const resB = await b.req('/probe', { headers: bearer(token) })
    expect(resB.status).toBe(401)
    expect((await resB.json()).code).toBe('token_not_valid')
  })

  it('answers 401 not_authenticated with WWW-Authenticate when no credentials are sent', async () => {
    const t = makeAuthApp()
    const res = await t.req('/probe')
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toStartWith('Bearer')
    expect(await res.json()).toEqual({ detail: 'Authentication credentials were not provided.', code: 'not_authenticated' })
  })

  it('answers 401 bad_authorization_header for a Bearer header without a token', async () => {
    const t = makeAuthApp()
    for (const authorization of ['Bearer', 'Bearer a b']) {
      const res = await t.req('/probe', { headers: { authorization } })
      expect(res.status).toBe(401)
      expect((await res.json()).code).toBe('bad_authorization_header')
    }
  })

  it('ignores an Authorization header of another scheme', async () => {
    const t = makeAuthApp()
    const res = await t.req('/probe', { headers: { authorization: 'Basic dXNlcjpwYXNz' } })
    expect(res.status).toBe(401)
    expect((await res.json()).code).toBe('not_authenticated')
  })

  it('an anonymous request with a bad body gets 401, not field errors that describe the route', async () => {
    const t = makeAuthApp()
    const change = await t.req('/api/auth/password/change/', { method: 'POST', json: { new_password1: 'x' } })
    expect(change.status).toBe(401)
    expect((await change.json()).code).toBe('not_authenticated')
    const patch = await t.req('/api/auth/user/', { method: 'PATCH', json: { email: 'not-an-email' } })
    expect(patch.status).toBe(401)
  })
})
