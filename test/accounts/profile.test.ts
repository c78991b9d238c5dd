import { describe, expect, it } from 'bun:test'
import { type TestApp, makeTestApp } from '../helpers/app.ts'
import { lastMail, linkIn, login, mails, register, registeredAndLoggedIn, userRow, verify } from './helpers.ts'

type Auth = { authorization: string }
const get = (t: TestApp, auth: Auth) => t.req('/api/auth/user/', { headers: auth })
const put = (t: TestApp, auth: Auth, json: unknown) => t.req('/api/auth/user/', { method: 'PUT', headers: auth, json })
const patch = (t: TestApp, auth: Auth, json: unknown) => t.req('/api/auth/user', { method: 'PATCH', headers: auth, json })

describe('GET | PUT | PATCH user/', () => {
  it('needs authentication', async () => {
    const t = makeTestApp()
    for (const method of ['GET', 'PUT', 'PATCH']) {
      const res = await t.req('/api/auth/user/', { method, ...(method === 'GET' ? {} : { json: { username: 'x' } }) })
      expect(res.status).toBe(401)
      expect((await res.json()).code).toBe('not_authenticated')
    }
  })

  it('GET answers the user object', async () => {
    const t = makeTestApp()
    const auth = await registeredAndLoggedIn(t, { first_name: 'Ann', last_name: 'Lee' })
    const res = await get(t, auth)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({
      pk: (await userRow(t))!.id,
      username: 'ann',
      email: 'ann@example.com',
      first_name: 'Ann',
      last_name: 'Lee',
      email_verified: true,
      pending_email: null,
      date_joined: new Date(t.clock.now()).toISOString(),
    })
  })

  it('PUT needs username and keeps omitted fields; pk is read-only', async () => {
    const t = makeTestApp()
    const auth = await registeredAndLoggedIn(t, { first_name: 'Ann' })
    const missing = await put(t, auth, { first_name: 'Annie' })
    expect(missing.status).toBe(400)
    expect(await missing.json()).toEqual({ username: ['This field is required.'] })
    const res = await put(t, auth, { pk: 999, username: 'annie', last_name: 'Lee' })
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body).toMatchObject({ pk: (await userRow(t, 'annie'))!.id, username: 'annie', first_name: 'Ann', last_name: 'Lee' })
  })

  it('PATCH changes only what it is given', async () => {
    const t = makeTestApp()
    const auth = await registeredAndLoggedIn(t, { first_name: 'Ann', last_name: 'Lee' })
    const res = await patch(t, auth, { last_name: '  Smith ' })
    expect(await res.json()).toMatchObject({ username: 'ann', first_name: 'Ann', last_name: 'Smith' })
    expect(await (await patch(t, auth, { first_name: '' })).json()).toMatchObject({ first_name: '', last_name: 'Smith' })
  })

  it('same username rules as registration: characters, length, unique regardless of case (own name is fine)', async () => {
    const t = makeTestApp()
    await register(t, { username: 'bob', email: 'bob@example.com' })
    const auth = await registeredAndLoggedIn(t)
    expect(await (await patch(t, auth, { username: 'BOB' })).json()).toEqual({ username: ['A user with that username already exists.'] })
    expect((await patch(t, auth, { username: 'bad name' })).status).toBe(400)
    expect(await (await patch(t, auth, { username: '' })).json()).toEqual({ username: ['This field may not be blank.'] })
    expect(await (await patch(t, auth, { first_name: 'x'.repeat(151) })).json()).toEqual({
      first_name: ['Ensure this field has no more than 150 characters.'],
    })
    expect((await patch(t, auth, { username: 'ANN' })).status).toBe(200)
  })

  it('an e-mail already used by another account is refused, regardless of case', async () => {
    const t = makeTestApp()
    await register(t, { username: 'bob', email: 'bob@example.com' })
    const auth = await registeredAndLoggedIn(t)
    const res = await patch(t, auth, { email: 'BOB@example.com' })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ email: ['A user is already registered with this e-mail address.'] })
    expect(await (await patch(t, auth, { email: 'nope' })).json()).toEqual({ email: ['Enter a valid email address.'] })
  })
})

describe('the e-mail change', () => {
  it('keeps the new address pending, mails it a key, and switches only when that key is verified', async () => {
    const t = makeTestApp()
    const auth = await registeredAndLoggedIn(t)
    const res = await patch(t, auth, { email: 'Ann.New@Example.com' })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ email: 'ann@example.com', email_verified: true, pending_email: 'ann.new@example.com' })

    const mail = (await lastMail(t))
    expect(mail.recipient).toBe('ann.new@example.com')
    expect(mail.kind).toBe('verify_email_change')
    // Until verified, the old address is the account's: login by the new one does not work yet.
    expect((await t.req('/api/auth/login/', { method: 'POST', json: { email: 'ann.new@example.com', password: 'velvet-Otter-91-lamp' } })).status).toBe(400)

    const key = linkIn(mail.text_body).searchParams.get('key')!
    expect((await verify(t, key)).status).toBe(200)
    expect(await (await get(t, auth)).json()).toMatchObject({ email: 'ann.new@example.com', email_verified: true, pending_email: null })
    expect((await verify(t, key)).status).toBe(404)
    expect((await login(t, 'ann.new@example.com')).authorization).toStartWith('Bearer ')
  })

  it('a newer change replaces the pending one: the older key no longer works', async () => {
    const t = makeTestApp()
    const auth = await registeredAndLoggedIn(t)
    await patch(t, auth, { email: 'first@example.com' })
    const firstKey = linkIn((await lastMail(t)).text_body).searchParams.get('key')!
    await patch(t, auth, { email: 'second@example.com' })
    expect((await verify(t, firstKey)).status).toBe(404)
    expect((await userRow(t))!.email).toBe('ann@example.com')
  })

  it('setting the current address again calls a pending change off', async () => {
    const t = makeTestApp()
    const auth = await registeredAndLoggedIn(t)
    await patch(t, auth, { email: 'new@example.com' })
    const key = linkIn((await lastMail(t)).text_body).searchParams.get('key')!
    expect(await (await patch(t, auth, { email: 'ANN@example.com' })).json()).toMatchObject({ email: 'ann@example.com', pending_email: null })
    expect((await verify(t, key)).status).toBe(404)
  })

  it('if another account takes the address first, the pending key fails instead of creating a duplicate', async () => {
    const t = makeTestApp()
    const auth = await registeredAndLoggedIn(t)
    await patch(t, auth, { email: 'wanted@example.com' })
    const key = linkIn((await lastMail(t)).text_body).searchParams.get('key')!
    expect((await register(t, { username: 'bob', email: 'wanted@example.com' })).status).toBe(201)
    expect((await verify(t, key)).status).toBe(404)
    expect((await userRow(t))!.email).toBe('ann@example.com')
  })

  it('resend-email mails a fresh key for a pending address', async () => {
    const t = makeTestApp()
    const auth = await registeredAndLoggedIn(t)
    await patch(t, auth, { email: 'new@example.com' })
    const before = (await mails(t)).length
    await t.req('/api/auth/registration/resend-email/', { method: 'POST', json: { email: 'new@example.com' } })
    expect((await mails(t)).slice(before).map((m) => m.recipient)).toEqual(['new@example.com'])
    expect((await verify(t, linkIn((await lastMail(t)).text_body).searchParams.get('key')!)).status).toBe(200)
    expect((await userRow(t))!.email).toBe('new@example.com')
  })

  it('with verification none the address changes at once and no mail is sent', async () => {
    const t = makeTestApp({ accountEmailVerification: 'none' })
    expect((await register(t)).status).toBe(201)
    const auth = await login(t)
    const res = await patch(t, auth, { email: 'new@example.com' })
    expect(await res.json()).toMatchObject({ email: 'new@example.com', pending_email: null })
    expect((await mails(t))).toHaveLength(0)
  })

  it('the change retires reset links mailed to the old address', async () => {
    const t = makeTestApp({ accountEmailVerification: 'none' })
    await register(t)
    const auth = await login(t)
    await t.req('/api/auth/password/reset/', { method: 'POST', json: { email: 'ann@example.com' } })
    const link = linkIn((await lastMail(t)).text_body)
    await patch(t, auth, { email: 'new@example.com' })
    const res = await t.req('/api/auth/password/reset/confirm/', {
      method: 'POST',
      json: { uid: link.searchParams.get('uid'), token: link.searchParams.get('token'), new_password1: 'quartz-Heron-57-kite', new_password2: 'quartz-Heron-57-kite' },
    })
    expect(await res.json()).toEqual({ token: ['Invalid value'] })
  })
})
