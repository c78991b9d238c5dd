// Helpers for accounts tests: register through the API, read the outbox, pull links out of e-mails.
import { createOutboxRepo } from '../../src/mail/outbox.repo.ts'
import { selectOne } from '../helpers/db.ts'
import type { TestApp } from '../helpers/app.ts'

export const GOOD_PASSWORD = 'velvet-Otter-91-lamp'

export const form = (fields: Record<string, string>): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
})

export function register(t: TestApp, fields: Record<string, unknown> = {}) {
  return t.req('/api/auth/registration/', {
    method: 'POST',
    json: { username: 'ann', email: 'ann@example.com', password1: GOOD_PASSWORD, password2: GOOD_PASSWORD, ...fields },
  })
}

/** Every queued message, oldest first. */
export const mails = async (t: TestApp) => (await createOutboxRepo(t.deps.db).list()).reverse()

/** The newest message (to `to`, when given); fails the test when there is none. */
export async function lastMail(t: TestApp, to?: string) {
  const found = (await mails(t)).filter((m) => to === undefined || m.recipient === to).at(-1)
  if (!found) throw new Error(`no mail${to ? ` to ${to}` : ''} in the outbox`)
  return found
}

/** The one http(s) link in a plain-text body. */
export function linkIn(text: string): URL {
  const links = [...new Set(text.match(/https?:\/\/\S+/g) ?? [])]
  if (links.length !== 1) throw new Error(`expected one link, found ${links.length}`)
  return new URL(links[0]!)
}

/** Registers `ann` (or `fields`) and returns the verification key from her e-mail. */
export async function registerAndGetKey(t: TestApp, fields: Record<string, unknown> = {}): Promise<string> {
  const res = await register(t, fields)
  if (res.status !== 201) throw new Error(`registration failed: ${res.status} ${await res.text()}`)
  return linkIn((await lastMail(t)).text_body).searchParams.get('key')!
}

export const verify = (t: TestApp, key: string) => t.req('/api/auth/registration/verify-email/', { method: 'POST', json: { key } })

export const userRow = (t: TestApp, username = 'ann') =>
  selectOne<{ id: number; email: string; email_verified: number; pending_email: string | null; password_hash: string }>(
    t.deps.db,
    'SELECT * FROM users WHERE username = $u',
    { u: username },
  )

/** Logs in through the real POST login/ and returns an Authorization header for the new session. */
export async function login(t: TestApp, username = 'ann', password = GOOD_PASSWORD): Promise<{ authorization: string }> {
  const res = await t.req('/api/auth/login/', { method: 'POST', json: { username, password } })
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`)
  const body = (await res.json()) as { access_token?: string; key?: string }
  return { authorization: body.access_token ? `Bearer ${body.access_token}` : `Token ${body.key}` }
}

/** Registers and verifies `ann` (or `fields`), then logs her in. */
export async function registeredAndLoggedIn(t: TestApp, fields: Record<string, unknown> = {}) {
  await verify(t, await registerAndGetKey(t, fields))
  return login(t, (fields.username as string | undefined) ?? 'ann', (fields.password1 as string | undefined) ?? GOOD_PASSWORD)
}
