// Test helpers for MFA: an app with USE_MFA, a logged-in user, enrolment of each method, and codes.
import { hashParams, hashPassword } from '../../src/users/passwords.ts'
import { createUsersRepo } from '../../src/users/users.repo.ts'
import type { Config } from '../../src/config/settings.ts'
import { createOutboxRepo } from '../../src/mail/outbox.repo.ts'
import { totpCode } from '../../src/mfa/totp.ts'
import { type TestApp, makeTestApp } from '../helpers/app.ts'

export const PASSWORD = 'correct horse battery staple'

export function mfaApp(overrides: Partial<Config> = {}): TestApp {
  return makeTestApp({ useMfa: true, useAuthCookie: false, ...overrides })
}

export async function createUser(t: TestApp, username = 'alice'): Promise<number> {
  const passwordHash = await hashPassword(PASSWORD, hashParams(t.deps.config))
  return createUsersRepo(t.deps.db).insert({ username, email: `${username}@example.com`, passwordHash, emailVerified: true, now: t.clock.now() })
}

export const post = (t: TestApp, path: string, json: unknown, headers: Record<string, string> = {}) =>
  t.req(`/api/auth/${path}`, { method: 'POST', json, headers })

/** POST login/ with the password: the parsed body. */
export async function login(t: TestApp, username = 'alice'): Promise<Record<string, unknown>> {
  const res = await post(t, 'login/', { username, password: PASSWORD })
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`)
  return (await res.json()) as Record<string, unknown>
}

/** A logged-in client: its Authorization header. */
export interface Client {
  t: TestApp
  userId: number
  headers: Record<string, string>
}

/** Creates `username` and logs them in (before any MFA method exists, so login answers tokens). */
export async function client(t: TestApp, username = 'alice'): Promise<Client> {
  const userId = await createUser(t, username)
  const body = await login(t, username)
  const auth = body.access_token ? `Bearer ${body.access_token}` : `Token ${body.key}`
  return { t, userId, headers: { authorization: auth } }
}

export const call = (c: Client, path: string, json: unknown) => post(c.t, path, json, c.headers)

/** The base32 secret inside an otpauth:// URI. */
export const secretOf = (qrLink: string) => new URL(qrLink).searchParams.get('secret')!

/** The TOTP code of `secret` at the app's current time (or `offsetSteps` steps away). */
export const codeAt = (t: TestApp, secret: string, offsetSteps = 0) =>
  totpCode(secret, t.clock.now() + offsetSteps * t.deps.config.mfaTotpDefaultInterval * 1000, t.deps.config.mfaTotpDefaultInterval)

/** The 6-digit code of the newest `mfa_code` mail to `to`. */
export async function mailedCode(t: TestApp, to = 'alice@example.com'): Promise<string> {
  const mail = (await createOutboxRepo(t.deps.db).list()).find((m) => m.kind === 'mfa_code' && m.recipient === to)
  if (!mail) throw new Error(`no mfa_code mail to ${to}`)
  return /\b(\d{6})\b/.exec(mail.text_body)![1]!
}

export async function mfaMails(t: TestApp): Promise<number> {
  return (await createOutboxRepo(t.deps.db).list()).filter((m) => m.kind === 'mfa_code').length
}

/** Sets up and confirms the app method; moves the clock one step on so the confirming code is not the next one asked for. */
export async function enrolApp(c: Client): Promise<{ secret: string; backupCodes: string[]; created: Record<string, unknown> }> {
  const res = await call(c, 'mfa/', { method: 'app' })
  if (res.status !== 201) throw new Error(`mfa/ create failed: ${res.status} ${await res.text()}`)
  const created = (await res.json()) as { backup_codes: string[]; setup_data: { qr_link: string } }
  const secret = secretOf(created.setup_data.qr_link)
  const confirm = await call(c, 'mfa/confirm/', { method: 'app', code: codeAt(c.t, secret) })
  if (confirm.status !== 200) throw new Error(`confirm failed: ${confirm.status} ${await confirm.text()}`)
  c.t.clock.advance(c.t.deps.config.mfaTotpDefaultInterval)
  return { secret, backupCodes: created.backup_codes, created }
}

/** Sets up and confirms the e-mail method. */
export async function enrolEmail(c: Client): Promise<{ backupCodes: string[] }> {
  const res = await call(c, 'mfa/', { method: 'email' })
  if (res.status !== 201) throw new Error(`mfa/ create failed: ${res.status} ${await res.text()}`)
  const created = (await res.json()) as { backup_codes: string[] }
  const confirm = await call(c, 'mfa/confirm/', { method: 'email', code: await mailedCode(c.t) })
  if (confirm.status !== 200) throw new Error(`confirm failed: ${confirm.status} ${await confirm.text()}`)
  return { backupCodes: created.backup_codes }
}

export const json = async (res: Response) => (res.status === 204 ? null : await res.json())
