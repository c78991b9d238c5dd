// CSRF tokens for cookie-authenticated requests (double-submit cookie, signed and bound to the session),
// and Django's Origin and Referer rules (API.md §4). Framework-free; src/auth/routes/macro.ts applies it.
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

/** Where a request says it comes from, and what counts as our own. */
export interface RequestSource {
  readonly origin: string | null
  readonly referer: string | null
  /** Whether the request reached us over HTTPS (PUBLIC_URL's scheme, or X-Forwarded-Proto from a trusted proxy). */
  readonly secure: boolean
  /** Origins that count as our own: PUBLIC_URL's or the request's, plus the trusted ones. */
  readonly allowedOrigins: readonly string[]
}

export interface CsrfInput extends RequestSource {
  readonly method: string
  /** The `csrftoken` cookie and the `X-CSRFToken` header as sent. */
  readonly cookieToken: string | undefined
  readonly headerToken: string | undefined
  readonly sessionId: string
  readonly secret: string
}

const SHOWN_MAX = 100

/**
 * Django's Origin and Referer checks: a sent Origin must be allowed; without one, an HTTPS request must
 * carry a Referer on an allowed https origin (a page on plain http, or on a sibling host, could
 * otherwise write through the user's cookies). Plain-http requests without Origin rely on the token alone.
 */
export function sourceFailure(i: RequestSource): string | null {
  if (i.origin !== null) {
    return i.allowedOrigins.includes(i.origin) ? null : `Origin checking failed - ${i.origin.slice(0, SHOWN_MAX)} does not match any trusted origins.`
  }
  if (!i.secure) return null
  if (i.referer === null || i.referer === '') return 'Referer checking failed - no Referer.'
  let referer: URL
  try {
    referer = new URL(i.referer)
  } catch {
    return 'Referer checking failed - Referer is malformed.'
  }
  if (referer.protocol !== 'https:') return 'Referer checking failed - Referer is insecure while host is secure.'
  // The origin only: a Referer's path and query may hold another site's tokens.
  if (!i.allowedOrigins.includes(referer.origin)) return `Referer checking failed - ${referer.origin.slice(0, SHOWN_MAX)} does not match any trusted origins.`
  return null
}

/** Methods CSRF protection leaves alone: they must not change anything. */
export const CSRF_SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE'])

/** Why a cookie-authenticated request fails CSRF protection, or null when it passes. */
export function csrfFailure(i: CsrfInput): string | null {
  if (CSRF_SAFE_METHODS.has(i.method)) return null
  const source = sourceFailure(i)
  if (source) return source
  if (!i.cookieToken) return 'CSRF cookie not set.'
  if (!i.headerToken) return 'CSRF token missing.'
  if (!safeEqual(i.headerToken, i.cookieToken)) return 'CSRF token incorrect.'
  if (!csrfTokenFor(i.secret, i.cookieToken, i.sessionId)) return 'CSRF token from another session; get a new one from csrf/.'
  return null
}
