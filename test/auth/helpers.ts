// Test helpers for authentication: an app with a protected probe route, users, and logins.
import { Elysia } from 'elysia'
import { hashParams, hashPassword } from '../../src/users/passwords.ts'
import { createUsersRepo } from '../../src/users/users.repo.ts'
import { createSession } from '../../src/auth/sessions.ts'
import type { Config } from '../../src/config/settings.ts'
import { authPlugin } from '../../src/auth/routes/macro.ts'
import { type TestApp, makeTestApp } from '../helpers/app.ts'
import { execute } from '../helpers/db.ts'

export const PASSWORD = 'correct horse battery staple'

/** A test app plus `/probe`: GET and POST, both `auth: true`, answering who was authenticated and how. */
export function makeAuthApp(overrides: Partial<Config> = {}, opts: Parameters<typeof makeTestApp>[1] = {}): TestApp {
  const t = makeTestApp(overrides, opts)
  const counter = { posts: 0 }
  t.app.use(
    new Elysia({ name: 'probe' })
      .use(authPlugin(t.deps))
      .get('/probe', ({ user, session, authVia }) => ({ user: user.username, session: session.id, authVia }), { auth: true })
      .post('/probe', ({ user, authVia }) => ({ user: user.username, authVia, posts: ++counter.posts }), { auth: true }),
  )
  return t
}

export async function createUser(
  t: TestApp,
  u: { username?: string; email?: string; password?: string; verified?: boolean; active?: boolean } = {},
) {
  const passwordHash = await hashPassword(u.password ?? PASSWORD, hashParams(t.deps.config))
  const id = await createUsersRepo(t.deps.db).insert({
    username: u.username ?? 'alice',
    email: u.email ?? 'alice@example.com',
    passwordHash,
    emailVerified: u.verified ?? true,
    now: t.clock.now(),
  })
  if (u.active === false) await execute(t.deps.db, 'UPDATE users SET is_active = 0 WHERE id = $id', { id })
  return id
}

/** A session and access JWT made directly (no login route), for tests of the macro itself. */
export async function mintAccessToken(t: TestApp, userId: number) {
  const now = t.clock.now()
  const sessionId = await createSession(t.deps.db, userId, { userAgent: 'test', ip: '127.0.0.1' }, { now, expiresAt: now + 86_400_000 })
  const token = await t.deps.auth.jwt.sign('access', {
    userId,
    sessionId,
    jti: crypto.randomUUID(),
    issuedAt: now,
    expiresAt: now + t.deps.config.accessTokenLifetime * 1000,
  })
  return { sessionId, token }
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

/** POST login/ as alice (or `body`). */
export function login(t: TestApp, body: Record<string, unknown> = { username: 'alice', password: PASSWORD }, headers: Record<string, string> = {}) {
  return t.req('/api/auth/login', { method: 'POST', json: body, headers })
}

/** The cookies a response sets, by name (value only). */
export function setCookies(res: Response): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(';')
    const eq = pair!.indexOf('=')
    out[pair!.slice(0, eq)] = pair!.slice(eq + 1)
  }
  return out
}

/** The full Set-Cookie line for `name`. */
export const setCookieLine = (res: Response, name: string) => res.headers.getSetCookie().find((l) => l.startsWith(`${name}=`))

/** A Cookie request header from name/value pairs. */
export const cookieHeader = (cookies: Record<string, string>) =>
  Object.entries(cookies)
    .map(([k, v]) => `${k}=${v}`)
    .join('; ')

/** Logs alice in (creating her first) and returns the parsed body and cookies. */
export async function loggedIn(t: TestApp, opts: { create?: boolean; headers?: Record<string, string> } = {}) {
  if (opts.create !== false) await createUser(t)
  const res = await login(t, { username: 'alice', password: PASSWORD }, opts.headers)
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`)
  const body = (await res.json()) as Record<string, string>
  return { body, cookies: setCookies(res), res }
}

export const post = (t: TestApp, path: string, json: unknown = {}, headers: Record<string, string> = {}) =>
  t.req(path, { method: 'POST', json, headers })
