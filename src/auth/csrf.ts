// CSRF tokens for cookie-authenticated requests (double-submit cookie, signed and bound to the session),
// and the Origin rule of API.md §4. Framework-free; src/http/auth.ts applies it.
import { createHmac } from 'node:crypto'
import { randomToken, safeEqual } from '../lib/crypto.ts'

export const CSRF_COOKIE = 'csrftoken'
export const CSRF_HEADER = 'x-csrftoken'

// Bound to the session, a token planted by a sibling subdomain (cookie tossing) or taken from another
// login does not pass; signed, it cannot be made up without SECRET_KEY.
const mac = (secret: string, sessionId: string, nonce: string) =>
  createHmac('sha256', secret).update(`authkit.csrf|${sessionId}|${nonce}`).digest('base64url')

/** A new token for `sessionId` (null before login: a token that is valid for no session). */
export function newCsrfToken(secret: string, sessionId: string | null): string {
  const nonce = randomToken(18)
  return `${nonce}.${mac(secret, sessionId ?? '', nonce)}`
}

/** True when `token` was made by newCsrfToken for this session. */
export function csrfTokenFor(secret: string, token: string, sessionId: string): boolean {
  const dot = token.indexOf('.')
  if (dot <= 0 || token.length > 200) return false
  return safeEqual(token.slice(dot + 1), mac(secret, sessionId, token.slice(0, dot)))
}

export interface CsrfInput {
  readonly method: string
  /** The `csrftoken` cookie and the `X-CSRFToken` header as sent. */
  readonly cookieToken: string | undefined
  readonly headerToken: string | undefined
  readonly origin: string | null
  /** Origins that count as our own: PUBLIC_URL's or the request's, plus CSRF_TRUSTED_ORIGINS. */
  readonly allowedOrigins: readonly string[]
  readonly sessionId: string
  readonly secret: string
}

/** Methods CSRF protection leaves alone: they must not change anything. */
export const CSRF_SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE'])

/** Why a cookie-authenticated request fails CSRF protection, or null when it passes. */
export function csrfFailure(i: CsrfInput): string | null {
  if (CSRF_SAFE_METHODS.has(i.method)) return null
  if (i.origin !== null && !i.allowedOrigins.includes(i.origin)) return `Origin checking failed - ${i.origin.slice(0, 100)} does not match any trusted origins.`
  if (!i.cookieToken) return 'CSRF cookie not set.'
  if (!i.headerToken) return 'CSRF token missing.'
  if (!safeEqual(i.headerToken, i.cookieToken)) return 'CSRF token incorrect.'
  if (!csrfTokenFor(i.secret, i.cookieToken, i.sessionId)) return 'CSRF token from another session; get a new one from csrf/.'
  return null
}
