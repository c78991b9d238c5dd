// The audit log records the events of MFA, passkeys, social login and sign-in links (API.md §12), each with its user.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { hashParams, hashPassword } from '../../src/users/passwords.ts'
import { createUsersRepo } from '../../src/users/users.repo.ts'
import { lastMail, linkIn, registeredAndLoggedIn } from '../accounts/helpers.ts'
import { bearer, createUser as createAuthUser, mintAccessToken } from '../auth/helpers.ts'
import { type TestApp, makeTestApp } from '../helpers/app.ts'
import { selectAll } from '../helpers/db.ts'
import { SoftAuthenticator } from '../helpers/webauthn.ts'
import { call, client, codeAt, enrolApp, login, mfaApp, post } from '../mfa/helpers.ts'
import { FRONTEND_CALLBACK, callbackOf, cookieHeader, cookiesOf, socialApp } from '../social/helpers.ts'
import { type RealProvider, frontendAuthorizeUrl, pkcePair, signInAtProvider, startRealProvider } from '../social/provider.ts'

interface Row {
  event: string
  user_id: number | null
  detail: string
}
const rows = (t: TestApp) => selectAll<Row>(t.deps.db, 'SELECT event, user_id, detail FROM audit_log ORDER BY id', {})
const of = async (t: TestApp, event: string) => (await rows(t)).filter((r) => r.event === event)

describe('audit log: MFA events', () => {
  it('records mfa_enabled when a method is confirmed, with the method and no code', async () => {
    const t = mfaApp()
    const c = await client(t)
    const { secret } = await enrolApp(c)
    const [row] = await of(t, 'mfa_enabled')
    expect(row).toMatchObject({ user_id: c.userId })
    expect(JSON.parse(row!.detail)).toEqual({ method: 'app' })
    expect(JSON.stringify(await rows(t))).not.toContain(secret)
  })

  it('records mfa_backup_codes_regenerated, without the codes', async () => {
    const t = mfaApp()
    const c = await client(t)
    const { secret } = await enrolApp(c)
    const res = await call(c, 'mfa/backup-codes/regenerate/', { method: 'app', code: codeAt(t, secret) })
    expect(res.status).toBe(200)
    const { backup_codes } = (await res.json()) as { backup_codes: string[] }
    expect(await of(t, 'mfa_backup_codes_regenerated')).toMatchObject([{ user_id: c.userId }])
    const all = JSON.stringify(await rows(t))
    for (const code of backup_codes) expect(all).not.toContain(code)
  })

  it('records mfa_failed for a wrong code at the second login step', async () => {
    const t = mfaApp()
    const c = await client(t)
    await enrolApp(c)
    const first = await login(t)
    const res = await post(t, 'login/verify/', { ephemeral_token: first.ephemeral_token, code: '000000' })
    expect(res.status).toBe(400)
    expect(await of(t, 'mfa_failed')).toMatchObject([{ user_id: c.userId }])
    expect(JSON.stringify(await rows(t))).not.toContain(String(first.ephemeral_token))
  })

  it('records mfa_disabled when a method is deactivated', async () => {
    const t = mfaApp()
    const c = await client(t)
    const { secret } = await enrolApp(c)
    expect((await call(c, 'mfa/deactivate/', { method: 'app', code: codeAt(t, secret) })).status).toBe(200)
    const [row] = await of(t, 'mfa_disabled')
    expect(row).toMatchObject({ user_id: c.userId })
    expect(JSON.parse(row!.detail)).toEqual({ method: 'app', how: 'deactivated' })
  })

  it('records mfa_disabled when a method is deleted', async () => {
    const t = mfaApp()
    const c = await client(t)
    expect((await call(c, 'mfa/', { method: 'app' })).status).toBe(201)
    expect((await call(c, 'mfa/delete/', { method: 'app' })).status).toBe(204)
    const [row] = await of(t, 'mfa_disabled')
    expect(JSON.parse(row!.detail)).toEqual({ method: 'app', how: 'deleted' })
  })
})

describe('audit log: passkey events', () => {
  it('records passkey_added and passkey_removed with the passkey id', async () => {
    const t = makeTestApp({ usePasskeys: true, accessTokenLifetime: 3600 })
    const id = await createAuthUser(t, { username: 'alice', email: 'alice@example.com' })
    const { token } = await mintAccessToken(t, id)
    const auth = bearer(token)
    const P = '/api/auth/passkeys'
    const options = await (await t.req(`${P}/register/options/`, { method: 'POST', json: {}, headers: auth })).json()
    const key = await SoftAuthenticator.create()
    const res = await t.req(`${P}/register/`, { method: 'POST', json: { credential: await key.register(options), name: 'Laptop' }, headers: auth })
    expect(res.status).toBe(201)
    const created = (await res.json()) as { id: number }
    const [added] = await of(t, 'passkey_added')
    expect(added).toMatchObject({ user_id: id })
    expect(JSON.parse(added!.detail)).toEqual({ id: created.id })

    // The password is still a way to sign in, so the passkey may go.
    expect((await t.req(`${P}/${created.id}/`, { method: 'DELETE', headers: auth })).status).toBe(204)
    const [removed] = await of(t, 'passkey_removed')
    expect(removed).toMatchObject({ user_id: id })
    expect(JSON.parse(removed!.detail)).toEqual({ id: created.id })
  })
})

describe('audit log: social events', () => {
  let idp: RealProvider
  beforeAll(async () => {
    idp = await startRealProvider([FRONTEND_CALLBACK, callbackOf('idp')])
  })
  afterAll(() => idp.close())

  async function codeFor(login: string) {
    const { verifier, challenge } = await pkcePair()
    const back = await signInAtProvider(frontendAuthorizeUrl(idp, { redirectUri: FRONTEND_CALLBACK, challenge }), login)
    return { code: back.searchParams.get('code')!, code_verifier: verifier, redirect_uri: FRONTEND_CALLBACK }
  }

  it('records social_connected and social_disconnected with the provider', async () => {
    const t = socialApp([{ slug: 'idp', kind: 'oidc', issuer: idp.issuer, client_id: idp.clientId, client_secret: idp.clientSecret }])
    const password = 'Quiet-Harbor-Lantern-77'
    const passwordHash = await hashPassword(password, hashParams(t.deps.config))
    const userId = await createUsersRepo(t.deps.db).insert({ username: 'carol', email: 'carol@example.com', passwordHash, emailVerified: true, now: t.clock.now() })
    const signedIn = await t.req('/api/auth/login/', { method: 'POST', json: { username: 'carol', password } })
    const cookies = cookiesOf(signedIn)
    const session = { cookie: cookieHeader(cookies), 'x-csrftoken': cookies.get('csrftoken')! }

    expect((await t.req('/api/auth/social/idp/connect/', { method: 'POST', headers: session, json: await codeFor('carol-at-idp') })).status).toBe(200)
    const [connected] = await of(t, 'social_connected')
    expect(connected).toMatchObject({ user_id: userId })
    expect(JSON.parse(connected!.detail)).toEqual({ provider: 'idp' })

    const [account] = await (await t.req('/api/auth/social/accounts/', { headers: session })).json()
    expect((await t.req(`/api/auth/social/accounts/${account.id}/`, { method: 'DELETE', headers: session })).status).toBe(204)
    const [disconnected] = await of(t, 'social_disconnected')
    expect(disconnected).toMatchObject({ user_id: userId })
    expect(JSON.parse(disconnected!.detail)).toEqual({ provider: 'idp' })
  })
})

describe('audit log: e-mailed sign-in links', () => {
  it('records login_link_used once when a link is spent, without its token', async () => {
    const t = makeTestApp({ useEmailLinkLogin: true })
    await registeredAndLoggedIn(t)
    expect((await t.req('/api/auth/login/email-link/', { method: 'POST', json: { email: 'ann@example.com' } })).status).toBe(200)
    const token = linkIn((await lastMail(t, 'ann@example.com')).text_body).searchParams.get('token')!
    const verify = () => t.req('/api/auth/login/email-link/verify/', { method: 'POST', json: { token } })
    expect((await verify()).status).toBe(200)
    expect((await verify()).status).toBe(400)
    const used = await of(t, 'login_link_used')
    expect(used).toHaveLength(1)
    expect(used[0]!.user_id).toBeNumber()
    expect(JSON.stringify(await rows(t))).not.toContain(token)
  })
})
