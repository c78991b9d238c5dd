// Shared by the auth routes: setting and clearing the auth cookies, and the token bodies.
import type { UserRow } from '../../users/users.repo.ts'
import { publicUser } from '../../users/user.ts'
import type { ServerConfig } from '../../config/data-dir.ts'
import { type Clock, isoTime } from '../../lib/clock.ts'
import {
  type AuthCookie,
  CSRF_COOKIE,
  type CookieAttributes,
  authCookie,
  clearedCookie,
  cookieName,
  csrfCookie,
  setCookieLine,
} from '../cookies.ts'
import { newCsrfToken } from '../csrf.ts'
import type { Issued, JwtPair } from '../issue.ts'
import type { SessionMeta } from '../sessions.ts'
import type { WithAuth } from '../services.ts'

/** Set-Cookie lines collected by the functions below; a route hands them to Elysia with sendCookies. */
export type CookieJar = string[]

const put = (jar: CookieJar, name: string, attrs: CookieAttributes) => {
  jar.push(setCookieLine(name, attrs))
}

/** Sends the collected cookies, one Set-Cookie header each (Elysia splits an array into separate headers). */
export function sendCookies(set: { headers: Record<string, unknown> }, jar: CookieJar): void {
  if (jar.length > 0) set.headers['set-cookie'] = jar
}

/** Whether the refresh token goes only into an HttpOnly cookie (then the body says ""). */
const refreshInCookieOnly = (c: ServerConfig) => c.useAuthCookie && c.authCookieHttponly

const seconds = (untilMs: number, nowMs: number) => Math.max(0, Math.floor((untilMs - nowMs) / 1000))

/** Access and refresh cookies for a JWT pair (Max-Age = remaining lifetime). */
export function setJwtCookies(jar: CookieJar, c: ServerConfig, pair: JwtPair, now: number): void {
  if (!c.useAuthCookie) return
  put(jar, cookieName(c, 'access'), authCookie(c, 'access', pair.access, seconds(pair.accessExpiresAt, now)))
  put(jar, cookieName(c, 'refresh'), authCookie(c, 'refresh', pair.refresh, seconds(pair.refreshExpiresAt, now)))
}

/** Everything a login sets: the auth cookie(s) and a csrftoken bound to the new session. */
export function setLoginCookies(jar: CookieJar, c: ServerConfig, issued: Issued, now: number): void {
  if (!c.useAuthCookie) return
  if (issued.kind === 'jwt') setJwtCookies(jar, c, issued, now)
  else put(jar, cookieName(c, 'token'), authCookie(c, 'token', issued.key, seconds(issued.expiresAt, now)))
  setCsrfCookie(jar, c, newCsrfToken(c.secretKey, issued.sessionId))
}

export function setCsrfCookie(jar: CookieJar, c: ServerConfig, token: string): void {
  put(jar, CSRF_COOKIE, csrfCookie(c, token))
}

/** Logout: expire the auth cookies of the current mode. */
export function clearAuthCookies(jar: CookieJar, c: ServerConfig): void {
  if (!c.useAuthCookie) return
  const which: AuthCookie[] = c.authType === 'jwt' ? ['access', 'refresh'] : ['token']
  for (const w of which) put(jar, cookieName(c, w), clearedCookie(c, w))
}

export function jwtBody(c: ServerConfig, pair: JwtPair) {
  return {
    access_token: pair.access,
    refresh_token: refreshInCookieOnly(c) ? '' : pair.refresh,
    access_expiration: isoTime(pair.accessExpiresAt),
    refresh_expiration: isoTime(pair.refreshExpiresAt),
  }
}

/**
 * The one way a user whose identity is proven becomes signed in: a new session, its cookies and the
 * login body. Every sign-in route (password now; MFA, social, passkeys, e-mail links) ends here, so
 * cookies, CSRF and the body are the same for all of them.
 */
export async function signIn(
  deps: { issuer: { login(userId: number, meta: SessionMeta): Promise<Issued> }; config: ServerConfig; clock: Clock },
  user: UserRow,
  meta: SessionMeta,
  set: { headers: Record<string, unknown> },
) {
  const { issuer, config, clock } = deps
  const issued = await issuer.login(user.id, meta)
  const cookies: CookieJar = []
  setLoginCookies(cookies, config, issued, clock.now())
  sendCookies(set, cookies)
  if (issued.kind === 'token') return { key: issued.key, user: publicUser(user) }
  return { ...jwtBody(config, issued), user: publicUser(user) }
}

/**
 * Where every sign-in route starts once the user's identity is proven (password login; social login and
 * e-mail links too): the ONE place that decides "MFA step or session". With USE_MFA and a primary active
 * method it answers the MFA first step `{ephemeral_token, method, mfa_enabled: true}` (no session, no
 * cookies; login/verify/ ends in signIn); otherwise it signs in, adding `"mfa_enabled": false` when
 * USE_MFA is on. `skipMfa`: the proof already was two factors (a passkey login).
 */
export async function beginSignIn(
  deps: WithAuth,
  user: UserRow,
  meta: SessionMeta,
  set: { headers: Record<string, unknown> },
  opts: { skipMfa?: boolean } = {},
) {
  const { config, clock } = deps
  const { secondFactor } = deps.auth
  if (config.useMfa && !opts.skipMfa && secondFactor) {
    const challenge = await secondFactor(user)
    if (challenge) return challenge
  }
  const body = await signIn({ issuer: deps.auth.issuer, config, clock }, user, meta, set)
  return config.useMfa ? { ...body, mfa_enabled: false as const } : body
}
