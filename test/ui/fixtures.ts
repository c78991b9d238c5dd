// Shared set-up for the UI tests: a DEBUG app, a user created the way the API would, HTML parsing.
import { Window } from 'happy-dom'
import { hashParams, hashPassword } from '../../src/users/passwords.ts'
import { createUsersRepo } from '../../src/users/users.repo.ts'
import type { Config } from '../../src/config/settings.ts'
import { type TestApp, makeTestApp } from '../helpers/app.ts'

export const PASSWORD = 'correct-horse-battery-9'

export const uiApp = (overrides: Partial<Config> = {}): TestApp => makeTestApp({ debug: true, ...overrides })

/** A verified user inserted directly (for values registration would refuse, such as markup in a username). */
export async function insertUser(t: TestApp, username: string, email: string, password = PASSWORD): Promise<number> {
  const passwordHash = await hashPassword(password, hashParams(t.deps.config))
  return createUsersRepo(t.deps.db).insert({ username, email, passwordHash, emailVerified: true, now: t.clock.now() })
}

/** Parses HTML into a private happy-dom document (no scripts run). */
export function parse(html: string) {
  const window = new Window({ url: 'http://localhost/' })
  window.document.write(html)
  return { document: window.document, close: () => window.happyDOM.close() }
}

/** `Cookie` header value from a login response's Set-Cookie lines. */
export const cookiesOf = (res: Response) =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ')
