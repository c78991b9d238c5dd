// Why a browser frontend on another origin sent no credentials: the hint added to its 401s, and the
// start-up note on what such a frontend needs. Framework-free; src/auth/routes/macro.ts uses the hint.
import type { Config } from '../config/settings.ts'
import { isCrossSite } from '../lib/sites.ts'

type CookieSettings = Pick<Config, 'useAuthCookie' | 'authCookieSamesite' | 'authCookieSecure' | 'authCookiePartitioned' | 'corsAllowedOrigins'>

/**
 * For a request without credentials from an origin in CORS_ALLOWED_ORIGINS: what the browser most likely
 * did and how to fix it; null for requests from elsewhere (a script without a token needs no hint).
 */
export function missingCookieHint(c: CookieSettings, origin: string | null, requestUrl: string, publicUrl: string | null): string | null {
  if (origin === null || !c.corsAllowedOrigins.includes(origin) || !c.useAuthCookie) return null
  const own = publicUrl ?? requestUrl
  const base = `No auth cookie came with this request from ${origin}.`
  const include = "The frontend must call fetch(url, {credentials: 'include'})."
  if (!isCrossSite(origin, own)) return `${base} ${include} Log in first (POST login/ sets the cookie).`
  const needs: string[] = []
  if (c.authCookieSamesite !== 'None') needs.push(`AUTH_COOKIE_SAMESITE=None (it is ${c.authCookieSamesite}, so the browser keeps the cookie off cross-site requests)`)
  if (!c.authCookieSecure) needs.push('AUTH_COOKIE_SECURE=true (browsers drop SameSite=None cookies that are not Secure)')
  if (!c.authCookiePartitioned) needs.push('AUTH_COOKIE_PARTITIONED=true where the browser blocks third-party cookies')
  if (needs.length === 0) {
    return `${base} ${origin} is another site; the cookie settings allow that, so either the page has not logged in yet, or the browser blocks third-party cookies (its settings). ${include}`
  }
  return `${base} ${origin} is another site, so the browser sends the cookie only with ${needs.join('; ')}. ${include}`
}

/** The start-up line for operators who set CORS_ALLOWED_ORIGINS: what a cross-site frontend needs. */
export function crossOriginNote(c: CookieSettings): string | null {
  if (c.corsAllowedOrigins.length === 0) return null
  const cookies = c.useAuthCookie
    ? `auth cookies are SameSite=${c.authCookieSamesite}${c.authCookieSecure ? '; Secure' : ''}${c.authCookiePartitioned ? '; Partitioned' : ''}; ` +
      'a frontend on another site needs SameSite=None with Secure (and Partitioned where third-party cookies are blocked); '
    : ''
  return (
    `frontends allowed with credentials (also trusted for CSRF): ${c.corsAllowedOrigins.join(', ')}; ${cookies}` +
    "they call fetch(..., {credentials: 'include'}) and send X-CSRFToken taken from GET /api/auth/csrf/'s body (a page on another origin cannot read the csrftoken cookie)"
  )
}
