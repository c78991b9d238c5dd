// Managing one's MFA methods under mfa/ (API.md §8.1): list, create, confirm, deactivate, primary, send,
// delete, backup-code regeneration; their messages; secrets at rest; a consistent state after removals.
import { describe, expect, it } from 'bun:test'
import { selectAll, selectOne } from '../helpers/db.ts'
import { type Client, PASSWORD, call, client, codeAt, enrolApp, enrolEmail, json, login, mailedCode, mfaApp, mfaMails, post, secretOf } from './helpers.ts'

const nonField = (msg: string) => ({ non_field_errors: [msg] })
const list = async (c: Client) => (await c.t.req('/api/auth/mfa/', { headers: c.headers })).json()
const wrongOf = (code: string) => (code === '000000' ? '111111' : '000000')

describe('mfa/ list and create', () => {
  it('lists every method in registry order, set up or not, with backup_codes_remaining', async () => {
    const t = mfaApp()
    const c = await client(t)
    expect(await list(c)).toEqual([
      { name: 'app', is_primary: false, is_active: false, is_setup: false, backup_codes_remaining: 0 },
      { name: 'email', is_primary: false, is_active: false, is_setup: false, backup_codes_remaining: 0 },
    ])
    await enrolApp(c)
    expect((await list(c))[0]).toEqual({ name: 'app', is_primary: true, is_active: true, is_setup: true, backup_codes_remaining: 10 })
  })

  it('needs a login (401), and CSRF with cookie authentication (403)', async () => {
    const t = mfaApp({ useAuthCookie: true })
    expect((await t.req('/api/auth/mfa/')).status).toBe(401)
    expect((await post(t, 'mfa/', { method: 'app' })).status).toBe(401)
    await client(t)
    const res = await post(t, 'login/', { username: 'alice', password: PASSWORD })
    const cookie = res.headers.getSetCookie().map((l) => l.split(';')[0]).join('; ')
    expect((await post(t, 'mfa/', { method: 'app' }, { cookie })).status).toBe(403)
  })

  it('POST mfa/ app: 201 with NUM_OF_BACKUP_CODES backup codes and setup_data {qr_link, qr_svg}; inactive until confirmed', async () => {
    const t = mfaApp({ mfaApplicationName: 'Wonderland' })
    const c = await client(t)
    const res = await call(c, 'mfa/', { method: 'app' })
    expect(res.status).toBe(201)
    const body = await res.json()
    expect(Object.keys(body).sort()).toEqual(['backup_codes', 'method', 'setup_data'])
    expect(body.method).toBe('app')
    expect(body.backup_codes).toHaveLength(10)
    for (const code of body.backup_codes) expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{12}$/)
    expect(Object.keys(body.setup_data).sort()).toEqual(['qr_link', 'qr_svg'])
    expect(body.setup_data.qr_link).toStartWith('otpauth://totp/Wonderland:alice?')
    expect(body.setup_data.qr_svg).toStartWith('<svg')
    expect((await list(c))[0]).toMatchObject({ is_setup: true, is_active: false, is_primary: false })
    // Not active: login does not ask for it yet.
    expect((await login(t)).mfa_enabled).toBe(false)
  })

  it('POST mfa/ email: mails a code now; a duplicate or unknown method is a field error', async () => {
    const t = mfaApp()
    const c = await client(t)
    const res = await call(c, 'mfa/', { method: 'email' })
    expect(res.status).toBe(201)
    expect((await res.json()).setup_data).toEqual({ detail: 'Email message with MFA code has been sent.' })
    expect(await mfaMails(t)).toBe(1)
    const mail = (await selectOne<{ subject: string; recipient: string }>(t.deps.db, "SELECT subject, recipient FROM outbox WHERE kind = 'mfa_code'"))!
    expect(mail).toEqual({ subject: 'Your verification code', recipient: 'alice@example.com' })
    expect(await (await call(c, 'mfa/', { method: 'email' })).json()).toEqual({ method: ['This method is already exists'] })
    expect(await (await call(c, 'mfa/', { method: 'sms' })).json()).toEqual({ method: ['Not a valid choice.'] })
    expect(await (await call(c, 'mfa/', {})).json()).toEqual({ method: ['This field is required.'] })
  })
})

describe('confirm, deactivate, primary, send', () => {
  it('confirm: TOTP only (not a backup code), "Invalid OTP code", and twice is "Requested MFA method does not exist."', async () => {
    const t = mfaApp()
    const c = await client(t)
    const created = await (await call(c, 'mfa/', { method: 'app' })).json()
    const secret = secretOf(created.setup_data.qr_link)
    expect(await (await call(c, 'mfa/confirm/', { method: 'app', code: wrongOf(codeAt(t, secret)) })).json()).toEqual(nonField('Invalid OTP code'))
    expect(await (await call(c, 'mfa/confirm/', { method: 'app', code: created.backup_codes[0] })).json()).toEqual(nonField('Invalid OTP code'))
    expect(await (await call(c, 'mfa/confirm/', { method: 'email', code: '123456' })).json()).toEqual(nonField('Requested MFA method does not exist.'))
    const ok = await call(c, 'mfa/confirm/', { method: 'app', code: codeAt(t, secret) })
    expect(await ok.json()).toEqual({ detail: 'Activated MFA method' })
    expect(await (await call(c, 'mfa/confirm/', { method: 'app', code: codeAt(t, secret) })).json()).toEqual(
      nonField('Requested MFA method does not exist.'),
    )
  })

  it('the first confirmed method becomes primary; a second one does not until mfa/primary/', async () => {
    const t = mfaApp()
    const c = await client(t)
    await enrolApp(c)
    await enrolEmail(c)
    expect((await list(c)).map((m: { is_primary: boolean }) => m.is_primary)).toEqual([true, false])
    expect(await (await call(c, 'mfa/primary/', { method: 'email' })).json()).toEqual({ detail: 'Updated primary MFA method' })
    expect((await list(c)).map((m: { is_primary: boolean }) => m.is_primary)).toEqual([false, true])
    expect((await login(t)).method).toBe('email')
  })

  it('primary: the target must be active; with MFA_UPDATE_PRIMARY_METHOD_REQUIRED_PRIMARY_CODE a code of the current primary', async () => {
    const t = mfaApp({ mfaUpdatePrimaryMethodRequiredPrimaryCode: true })
    const c = await client(t)
    const { secret, backupCodes } = await enrolApp(c)
    expect(await (await call(c, 'mfa/primary/', { method: 'email', primary_code: '123456' })).json()).toEqual(
      nonField('Requested MFA method does not exist.'),
    )
    await enrolEmail(c)
    expect(await (await call(c, 'mfa/primary/', { method: 'email' })).json()).toEqual({ primary_code: ['This field is required.'] })
    expect(await (await call(c, 'mfa/primary/', { method: 'email', primary_code: wrongOf(codeAt(t, secret)) })).json()).toEqual(
      nonField('Invalid primary method code'),
    )
    expect((await call(c, 'mfa/primary/', { method: 'email', primary_code: backupCodes[0] })).status).toBe(200)
  })

  it('primary: without an active primary method it is "Requested MFA method does not exist."', async () => {
    const t = mfaApp()
    const c = await client(t)
    await call(c, 'mfa/', { method: 'app' })
    expect(await (await call(c, 'mfa/primary/', { method: 'app' })).json()).toEqual(nonField('Requested MFA method does not exist.'))
  })

  it('send: mails a code for email (active or not), answers the same for app, refuses a method not set up', async () => {
    const t = mfaApp()
    const c = await client(t)
    await enrolApp(c)
    await call(c, 'mfa/', { method: 'email' })
    const mails = await mfaMails(t)
    expect(await (await call(c, 'mfa/send/', { method: 'email' })).json()).toEqual({ detail: 'MFA code sent' })
    expect(await mfaMails(t)).toBe(mails + 1)
    expect(await (await call(c, 'mfa/send/', { method: 'app' })).json()).toEqual({ detail: 'MFA code sent' })
    expect(await mfaMails(t)).toBe(mails + 1)
    const t2 = mfaApp()
    const c2 = await client(t2)
    expect(await (await call(c2, 'mfa/send/', { method: 'email' })).json()).toEqual(nonField('Requested MFA method does not exist.'))
  })

  it('deactivate: with a code of the method; an inactive one is "Requested MFA method does not exist."', async () => {
    const t = mfaApp()
    const c = await client(t)
    const { secret } = await enrolApp(c)
    expect(await (await call(c, 'mfa/deactivate/', { method: 'app', code: wrongOf(codeAt(t, secret)) })).json()).toEqual(nonField('Invalid OTP code'))
    expect(await (await call(c, 'mfa/deactivate/', { method: 'app', code: codeAt(t, secret) })).json()).toEqual({ detail: 'Deactivated MFA method' })
    expect(await (await call(c, 'mfa/deactivate/', { method: 'app', code: codeAt(t, secret) })).json()).toEqual(
      nonField('Requested MFA method does not exist.'),
    )
  })
})

describe('consistent state after delete and deactivate', () => {
  it('deactivating the primary method makes another active method primary', async () => {
    const t = mfaApp()
    const c = await client(t)
    const { secret } = await enrolApp(c)
    await enrolEmail(c)
    expect((await call(c, 'mfa/deactivate/', { method: 'app', code: codeAt(t, secret) })).status).toBe(200)
    expect(await list(c)).toMatchObject([
      { name: 'app', is_active: false, is_primary: false },
      { name: 'email', is_active: true, is_primary: true },
    ])
    expect((await login(t)).method).toBe('email')
  })

  it('deleting the last active method turns MFA off for the user (login answers tokens and "mfa_enabled": false)', async () => {
    const t = mfaApp()
    const c = await client(t)
    const { secret } = await enrolApp(c)
    const res = await call(c, 'mfa/delete/', { method: 'app', code: codeAt(t, secret) })
    expect(res.status).toBe(204)
    expect(await res.text()).toBe('')
    expect((await list(c))[0]).toMatchObject({ is_setup: false, is_active: false, is_primary: false, backup_codes_remaining: 0 })
    expect(await selectAll(t.deps.db, 'SELECT * FROM mfa_backup_codes')).toEqual([])
    const body = await login(t)
    expect(body.mfa_enabled).toBe(false)
    expect(typeof body.access_token).toBe('string')
  })

  it('deleting the primary method makes another active method primary', async () => {
    const t = mfaApp()
    const c = await client(t)
    const { backupCodes } = await enrolApp(c)
    await enrolEmail(c)
    expect((await call(c, 'mfa/delete/', { method: 'app', code: backupCodes[0] })).status).toBe(204)
    expect((await list(c))[1]).toMatchObject({ name: 'email', is_active: true, is_primary: true })
    expect((await login(t)).method).toBe('email')
  })
})

describe('mfa/delete/', () => {
  it('mfa/delete/ without the required code answers 400 {"code":["This field is required."]} (the original: 500)', async () => {
    const t = mfaApp()
    const c = await client(t)
    await enrolApp(c)
    const res = await call(c, 'mfa/delete/', { method: 'app' })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ code: ['This field is required.'] })
    expect((await list(c))[0].is_active).toBe(true)
  })

  it('messages: wrong code, unknown method, and the two prevent settings; an inactive method needs no code', async () => {
    const t = mfaApp()
    const c = await client(t)
    const { secret } = await enrolApp(c)
    expect(await (await call(c, 'mfa/delete/', { method: 'app', code: wrongOf(codeAt(t, secret)) })).json()).toEqual(nonField('Invalid OTP code'))
    expect(await (await call(c, 'mfa/delete/', { method: 'email' })).json()).toEqual(nonField('Method does not exist'))
    await call(c, 'mfa/', { method: 'email' })
    expect((await call(c, 'mfa/delete/', { method: 'email' })).status).toBe(204)

    const strict = mfaApp({ mfaPreventDeleteActiveMethod: true })
    const s = await client(strict)
    const { secret: s1 } = await enrolApp(s)
    expect(await (await call(s, 'mfa/delete/', { method: 'app', code: codeAt(strict, s1) })).json()).toEqual(nonField('Cannot delete active MFA method'))

    const keepPrimary = mfaApp({ mfaPreventDeletePrimaryMethod: true })
    const p = await client(keepPrimary)
    const { secret: p1 } = await enrolApp(p)
    expect(await (await call(p, 'mfa/delete/', { method: 'app', code: codeAt(keepPrimary, p1) })).json()).toEqual(
      nonField('Cannot delete primary MFA method'),
    )

    const lax = mfaApp({ mfaDeleteActiveMethodRequireCode: false })
    const l = await client(lax)
    await enrolApp(l)
    expect(json(await call(l, 'mfa/delete/', { method: 'app' }))).resolves.toBeNull()
  })
})

describe('backup codes', () => {
  it('backup codes are stored only as keyed hashes', async () => {
    const t = mfaApp()
    const c = await client(t)
    const { backupCodes } = await enrolApp(c)
    const rows = await selectAll<{ code_hash: string }>(t.deps.db, 'SELECT code_hash FROM mfa_backup_codes')
    expect(rows).toHaveLength(10)
    const dump = JSON.stringify(rows)
    for (const code of backupCodes) {
      expect(dump).not.toContain(code)
      expect(dump).not.toContain(new Bun.CryptoHasher('sha256').update(code).digest('hex'))
    }
  })

  it('regeneration voids the old set and returns a new one (with a current code, not a backup code)', async () => {
    const t = mfaApp()
    const c = await client(t)
    const { secret, backupCodes: old } = await enrolApp(c)
    expect(await (await call(c, 'mfa/backup-codes/regenerate/', { method: 'app', code: old[0] })).json()).toEqual(nonField('Invalid OTP code'))
    expect(await (await call(c, 'mfa/backup-codes/regenerate/', { method: 'email', code: '123456' })).json()).toEqual(
      nonField('Requested MFA method does not exist.'),
    )
    const res = await call(c, 'mfa/backup-codes/regenerate/', { method: 'app', code: codeAt(t, secret) })
    expect(res.status).toBe(200)
    const { backup_codes: fresh } = await res.json()
    expect(fresh).toHaveLength(10)
    expect(fresh.filter((f: string) => old.includes(f))).toEqual([])
    const step = await login(t)
    expect(await (await post(t, 'login/verify/', { ephemeral_token: step.ephemeral_token, code: old[1] })).json()).toEqual(nonField('Invalid code'))
    expect((await post(t, 'login/verify/', { ephemeral_token: step.ephemeral_token, code: fresh[1] })).status).toBe(200)
    expect((await list(c))[0].backup_codes_remaining).toBe(9)
  })

  it('NUM_OF_BACKUP_CODES and BACKUP_CODE_LENGTH are honoured', async () => {
    const t = mfaApp({ numOfBackupCodes: 4, backupCodeLength: 16 })
    const c = await client(t)
    const { backupCodes } = await enrolApp(c)
    expect(backupCodes).toHaveLength(4)
    for (const code of backupCodes) expect(code).toHaveLength(16)
  })
})

describe('secrets at rest', () => {
  it('TOTP secret is not readable in the database (AES-256-GCM, key derived from SECRET_KEY)', async () => {
    const t = mfaApp()
    const c = await client(t)
    const { secret } = await enrolApp(c)
    const rows = await selectAll<Record<string, unknown>>(t.deps.db, 'SELECT * FROM mfa_methods')
    const dump = JSON.stringify(rows)
    expect(dump).not.toContain(secret)
    expect(dump).not.toContain(Buffer.from(secret).toString('base64'))
    expect(String(rows[0]!.secret)).toMatch(/^v1\.[\w-]+\.[\w-]+$/)
  })

  it('a TOTP secret sealed under another SECRET_KEY does not open: its codes are refused, nothing crashes', async () => {
    const t = mfaApp()
    const c = await client(t)
    const { secret } = await enrolApp(c)
    const other = mfaApp({ secretKey: 'a-different-secret-key-that-is-long-enough-42' })
    // Same rows, other key: copy alice's method into the other app's database.
    const row = (await selectOne<Record<string, string | number>>(t.deps.db, 'SELECT * FROM mfa_methods'))!
    const o = await client(other)
    await call(o, 'mfa/', { method: 'app' })
    const { execute } = await import('../helpers/db.ts')
    await execute(other.deps.db, 'UPDATE mfa_methods SET secret = $secret, is_active = 1, is_primary = 1', { secret: String(row.secret) })
    const step = await login(other)
    expect(await (await post(other, 'login/verify/', { ephemeral_token: step.ephemeral_token, code: codeAt(other, secret) })).json()).toEqual(
      nonField('Invalid code'),
    )
  })

  it('e-mailed codes are stored only as keyed hashes', async () => {
    const t = mfaApp()
    const c = await client(t)
    await call(c, 'mfa/', { method: 'email' })
    const code = await mailedCode(t)
    expect(JSON.stringify(await selectAll(t.deps.db, 'SELECT * FROM mfa_methods'))).not.toContain(code)
  })
})
