// An authkit test app with social providers configured, and what the social tests do again and again.
import type { Config } from '../../src/config/settings.ts'
import { parseProviders } from '../../src/config/social-providers.ts'
import { type TestApp, makeTestApp } from '../helpers/app.ts'
import { selectAll } from '../helpers/db.ts'

export const HOST = 'http://localhost'
export const callbackOf = (slug: string) => `${HOST}/api/auth/social/${slug}/callback/`
/** A frontend's own callback page, for the API flow. */
export const FRONTEND_CALLBACK = 'http://localhost:5173/auth/callback'

/** `providers`: SOCIAL_PROVIDERS tables, as in authkit.toml. A short provider timeout keeps the timeout test fast. */
export function socialApp(providers: Record<string, unknown>[], overrides: Partial<Config> = {}, timeoutSeconds = 1): TestApp {
  const config = { accountEmailVerification: 'optional' as const, socialProviders: parseProviders(providers), ...overrides }
  return makeTestApp(config, { extraDeps: { providerTimeoutSeconds: timeoutSeconds } })
}

/** name -> value of the cookies a response sets (an expired one maps to ''). */
export function cookiesOf(res: Response): Map<string, string> {
  const out = new Map<string, string>()
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(';')
    const i = pair!.indexOf('=')
    out.set(pair!.slice(0, i), decodeURIComponent(pair!.slice(i + 1)))
  }
  return out
}

export const cookieHeader = (c: Map<string, string>) => [...c].filter(([, v]) => v !== '').map(([k, v]) => `${k}=${v}`).join('; ')

/** Every row of the tables social login may change: a refused attempt must leave them as they were. */
export async function snapshot(t: TestApp) {
  return {
    users: await selectAll(t.deps.db, 'SELECT id, username, email, password_hash, email_verified, last_login FROM users ORDER BY id'),
    social: await selectAll(t.deps.db, 'SELECT id, user_id, provider, uid, last_login FROM social_accounts ORDER BY id'),
    sessions: await selectAll(t.deps.db, 'SELECT id FROM sessions ORDER BY id'),
  }
}
