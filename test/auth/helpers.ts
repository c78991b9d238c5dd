// Test helpers for authentication: an app with a protected probe route, users, and logins.
import { Elysia } from 'elysia'
import { hashParams, hashPassword } from '../../src/accounts/passwords.ts'
import { createUsersRepo } from '../../src/accounts/users.repo.ts'
import { authServices } from '../../src/auth/services.ts'
import { createSession } from '../../src/auth/sessions.ts'
import type { Config } from '../../src/config/settings.ts'
import { authPlugin } from '../../src/http/auth.ts'
import { type TestApp, makeTestApp } from '../helpers/app.ts'

export const PASSWORD = 'correct horse battery staple'

/** A test app plus `/probe`: GET and POST, both `auth: true`, answering who was authenticated and how. */
export function makeAuthApp(overrides: Partial<Config> = {}): TestApp {
  const t = makeTestApp(overrides)
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
  const id = createUsersRepo(t.deps.db).insert({
    username: u.username ?? 'alice',
    email: u.email ?? 'alice@example.com',
    passwordHash,
    emailVerified: u.verified ?? true,
    now: t.clock.now(),
  })
  if (u.active === false) t.deps.db.query('UPDATE users SET is_active = 0 WHERE id = $id').run({ id })
  return id
}

/** A session and access JWT made directly (no login route), for tests of the macro itself. */
export async function mintAccessToken(t: TestApp, userId: number) {
  const now = t.clock.now()
  const sessionId = createSession(t.deps.db, userId, { userAgent: 'test', ip: '127.0.0.1' }, { now, expiresAt: now + 86_400_000 })
  const token = await authServices(t.deps).jwt.sign('access', {
    userId,
    sessionId,
    jti: crypto.randomUUID(),
    issuedAt: now,
    expiresAt: now + t.deps.config.accessTokenLifetime * 1000,
  })
  return { sessionId, token }
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
