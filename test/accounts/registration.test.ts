import { describe, expect, it } from 'bun:test'
import { makeTestApp } from '../helpers/app.ts'
import { GOOD_PASSWORD, form, lastMail, linkIn, mails, register, userRow } from './helpers.ts'
import { execute, selectOne } from '../helpers/db.ts'

const REQUIRED = 'This field is required.'
const BLANK = 'This field may not be blank.'

describe('POST registration/', () => {
  it('creates an unverified account, queues the verification e-mail and issues no tokens (mandatory)', async () => {
    const t = makeTestApp()
    const res = await register(t, { email: 'Ann@Example.COM', first_name: 'Ann', last_name: 'Lee' })
    expect(res.status).toBe(201)
    expect(res.headers.get('set-cookie')).toBeNull()
    const body = await res.json()
    expect(body).toEqual({
      detail: 'Verification e-mail sent.',
      user: {
        pk: expect.any(Number),
        username: 'ann',
        email: 'ann@example.com',
        first_name: 'Ann',
        last_name: 'Lee',
        email_verified: false,
        pending_email: null,
        date_joined: new Date(t.clock.now()).toISOString(),
      },
    })
    const mail = (await lastMail(t))
    expect(mail.recipient).toBe('ann@example.com')
    expect(mail.kind).toBe('verify_email')
    expect(mail.subject).toBe('[authkit] Please Confirm Your Email Address')
    expect(linkIn(mail.text_body).pathname).toBe('/verify-email')
  })

  it('answers "Successfully registered." with verification optional (still mailing) or none (not mailing)', async () => {
    const optional = makeTestApp({ accountEmailVerification: 'optional' })
    const r1 = await register(optional)
    expect(r1.status).toBe(201)
    expect((await r1.json()).detail).toBe('Successfully registered.')
    expect((await mails(optional))).toHaveLength(1)

    const none = makeTestApp({ accountEmailVerification: 'none' })
    const r2 = await register(none)
    expect((await r2.json()).detail).toBe('Successfully registered.')
    expect((await mails(none))).toHaveLength(0)
  })

  it('accepts a urlencoded form as well as JSON', async () => {
    const t = makeTestApp()
    const res = await t.req(
      '/api/auth/registration',
      form({ username: 'ann', email: 'ann@example.com', password1: GOOD_PASSWORD, password2: GOOD_PASSWORD }),
    )
    expect(res.status).toBe(201)
  })

  it('every required field missing or blank is reported, one key per field', async () => {
    const t = makeTestApp()
    const missing = await t.req('/api/auth/registration/', { method: 'POST', json: {} })
    expect(missing.status).toBe(400)
    expect(await missing.json()).toEqual({ username: [REQUIRED], email: [REQUIRED], password1: [REQUIRED], password2: [REQUIRED] })
    const blank = await register(t, { username: '  ', email: '', password1: '', password2: '' })
    expect(await blank.json()).toEqual({ username: [BLANK], email: [BLANK], password1: [BLANK], password2: [BLANK] })
    expect((await userRow(t))).toBeNull()
  })

  it('rejects a bad e-mail, a bad or long username and over-long names with their messages', async () => {
    const t = makeTestApp()
    expect(await (await register(t, { email: 'not-an-address' })).json()).toEqual({ email: ['Enter a valid email address.'] })
    expect(await (await register(t, { username: 'ann smith!' })).json()).toEqual({
      username: [
        'Enter a valid username. This value may contain only unaccented lowercase a-z and uppercase A-Z letters, numbers, and @/./+/-/_ characters.',
      ],
    })
    expect(await (await register(t, { username: 'a'.repeat(151) })).json()).toEqual({
      username: ['Ensure this field has no more than 150 characters.'],
    })
    expect(await (await register(t, { first_name: 'x'.repeat(151), last_name: 'y'.repeat(151) })).json()).toEqual({
      first_name: ['Ensure this field has no more than 150 characters.'],
      last_name: ['Ensure this field has no more than 150 characters.'],
    })
    expect((await register(t, { username: 'ann.lee+test@home_1-x' })).status).toBe(201)
  })

  it('usernames and e-mails are unique regardless of letter case (no duplicate user, no 500)', async () => {
    const t = makeTestApp()
    expect((await register(t)).status).toBe(201)
    const dup = await register(t, { username: 'ANN', email: 'ANN@EXAMPLE.COM' })
    expect(dup.status).toBe(400)
    expect(await dup.json()).toEqual({
      username: ['A user with that username already exists.'],
      email: ['A user is already registered with this e-mail address.'],
    })
    expect((await selectOne(t.deps.db, 'SELECT COUNT(*) AS n FROM users'))).toEqual({ n: 1 })
  })

  it('two registrations racing for one username: one wins, the other gets the duplicate message', async () => {
    const t = makeTestApp()
    const [a, b] = await Promise.all([register(t, { email: 'one@example.com' }), register(t, { email: 'two@example.com' })])
    expect([a.status, b.status].sort()).toEqual([201, 400])
    const loser = a.status === 400 ? a : b
    expect(await loser.json()).toEqual({ username: ['A user with that username already exists.'] })
    expect((await selectOne(t.deps.db, 'SELECT COUNT(*) AS n FROM users'))).toEqual({ n: 1 })
  })

  it("password validator messages are keyed password1", async () => {
    const t = makeTestApp()
    const cases: [Record<string, string>, string[]][] = [
      [{ password1: 'annlee12', username: 'annlee' }, ['The password is too similar to the username.']],
      [{ password1: 'marigoldish', first_name: 'Marigold' }, ['The password is too similar to the first name.']],
      [{ password1: 'thistlewood', last_name: 'Thistlewood' }, ['The password is too similar to the last name.']],
      [{ password1: 'quokkafan9', email: 'quokka.fan@example.com' }, ['The password is too similar to the email address.']],
      [{ password1: 'v9#Tq' }, ['This password is too short. It must contain at least 8 characters.']],
      [{ password1: 'football' }, ['This password is too common.']],
      [{ password1: '4829105736193' }, ['This password is entirely numeric.']],
    ]
    for (const [fields, messages] of cases) {
      const res = await register(t, { ...fields, password2: fields.password1 })
      expect(res.status).toBe(400)
      expect(await res.json()).toEqual({ password1: messages })
    }
    expect((await userRow(t))).toBeNull()
  })

  it('a password mismatch is an object-level error', async () => {
    const res = await register(makeTestApp(), { password2: `${GOOD_PASSWORD}!` })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ non_field_errors: ["The two password fields didn't match."] })
  })

  it('stores an argon2id hash with the configured parameters, never the password', async () => {
    const t = makeTestApp({ argon2MemoryCost: 2048, argon2TimeCost: 1 })
    await register(t)
    const row = (await userRow(t))!
    expect(row.password_hash).toStartWith('$argon2id$v=19$m=2048,t=1,')
    expect(row.password_hash).not.toContain(GOOD_PASSWORD)
    expect(await Bun.password.verify(GOOD_PASSWORD, row.password_hash)).toBe(true)
  })

  it('a registration that fails half-way (the mail row cannot be written) leaves no user behind', async () => {
    const t = makeTestApp()
    await execute(t.deps.db, 'ALTER TABLE outbox RENAME TO outbox_away')
    const res = await register(t)
    expect(res.status).toBe(500)
    expect(await res.json()).toEqual({ detail: 'A server error occurred.', code: 'server_error' })
    expect((await selectOne(t.deps.db, 'SELECT COUNT(*) AS n FROM users'))).toEqual({ n: 0 })
    expect((await selectOne(t.deps.db, 'SELECT COUNT(*) AS n FROM email_confirmations'))).toEqual({ n: 0 })

    await execute(t.deps.db, 'ALTER TABLE outbox_away RENAME TO outbox')
    expect((await register(t)).status).toBe(201)
  })
})
