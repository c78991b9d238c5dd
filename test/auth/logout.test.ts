// POST logout/: the session behind the request is revoked on the server.
import { describe, expect, it } from 'bun:test'
import { bearer, cookieHeader, createUser, login, loggedIn, makeAuthApp, post, setCookieLine, PASSWORD } from './helpers.ts'

describe('logout', () => {
  it('logout revokes the access token', async () => {
    const t = makeAuthApp({ useAuthCookie: false })
    const { body } = await loggedIn(t)
    expect((await t.req('/probe', { headers: bearer(body.access_token!) })).status).toBe(200)
    const res = await post(t, '/api/auth/logout/', {}, bearer(body.access_token!))
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ detail: 'Successfully logged out.' })
    const after = await t.req('/probe', { headers: bearer(body.access_token!) })
    expect(after.status).toBe(401)
    expect((await after.json()).code).toBe('token_not_valid')
  })

  it('logout revokes the refresh token', async () => {
    const t = makeAuthApp({ useAuthCookie: false })
    const { body } = await loggedIn(t)
    await post(t, '/api/auth/logout', {}, bearer(body.access_token!))
    const res = await post(t, '/api/auth/token/refresh', { refresh: body.refresh_token })
    expect(res.status).toBe(401)
    expect((await res.json()).code).toBe('token_not_valid')
    expect((await post(t, '/api/auth/token/verify', { token: body.refresh_token })).status).toBe(401)
  })

  it('leaves the other sessions of the user alone', async () => {
    const t = makeAuthApp({ useAuthCookie: false })
    const { body: phone } = await loggedIn(t)
    const laptop = await (await login(t)).json()
    await post(t, '/api/auth/logout', {}, bearer(phone.access_token!))
    expect((await t.req('/probe', { headers: bearer(laptop.access_token) })).status).toBe(200)
  })

  it('clears the auth cookies', async () => {
    const t = makeAuthApp()
    const { cookies } = await loggedIn(t)
    const res = await post(t, '/api/auth/logout', {}, { cookie: cookieHeader(cookies), 'x-csrftoken': cookies.csrftoken! })
    expect(res.status).toBe(200)
    expect(setCookieLine(res, 'auth-jwt')).toContain('Max-Age=0')
    expect(setCookieLine(res, 'auth-refresh-jwt')).toContain('Max-Age=0')
    expect((await t.req('/probe', { headers: { cookie: cookieHeader(cookies) } })).status).toBe(401)
  })

  it('works with only a live refresh token once the access token has expired', async () => {
    const t = makeAuthApp({ useAuthCookie: false })
    const { body } = await loggedIn(t)
    t.clock.advance(301)
    const res = await post(t, '/api/auth/logout', { refresh: body.refresh_token }, bearer(body.access_token!))
    expect(res.status).toBe(200)
    expect((await post(t, '/api/auth/token/refresh', { refresh: body.refresh_token })).status).toBe(401)
  })

  it('needs credentials', async () => {
    const t = makeAuthApp()
    const res = await post(t, '/api/auth/logout')
    expect(res.status).toBe(401)
    expect((await res.json()).code).toBe('not_authenticated')
  })

  it('in token mode logging out one device leaves the others', async () => {
    const t = makeAuthApp({ authType: 'token', useAuthCookie: false })
    await createUser(t)
    const a = (await (await login(t)).json()).key as string
    const b = (await (await login(t, { username: 'alice', password: PASSWORD })).json()).key as string
    expect(a).not.toBe(b)
    expect((await post(t, '/api/auth/logout', {}, { authorization: `Token ${a}` })).status).toBe(200)
    expect((await t.req('/probe', { headers: { authorization: `Token ${a}` } })).status).toBe(401)
    expect((await t.req('/probe', { headers: { authorization: `Token ${b}` } })).status).toBe(200)
  })
})
