// The `auth` route option: reads the credential, checks it (and CSRF for cookie-authenticated writes),
// and puts the user and session on the context.
//
// How to use it in a route module (deps: the app's, with the services createApp composed):
//
//   import { authPlugin } from '../auth/routes/macro.ts'
//   export const userRoutes = (deps: Deps & WithAuth) =>
//     new Elysia({ name: 'user-routes', prefix: '/api/auth' })
//       .use(authPlugin(deps))
//       .get('/user', ({ user, session, authVia }) => publicUser(user), { auth: true, ...op({ ..., authenticated: true }) })
//
// - `user` is the UserRow (active users only), `session` is `{ id }` (pass it as `except` to
//   revokeUserSessions on password change), `authVia` is 'header' (Authorization) or 'cookie'.
// - Credentials: `Authorization: Bearer <jwt>` (JWT mode), `Token <key>` or `Bearer <key>` (token mode),
//   else the auth cookie. A token is accepted only if its signature, algorithm, typ, expiry, iss/aud
//   and its server-side session are all right.
// - Failures are thrown as ApiError and rendered by src/http/conventions.ts: 401 not_authenticated /
//   token_not_valid / bad_authorization_header with WWW-Authenticate, 403 csrf_failed when a
//   cookie-authenticated POST/PUT/PATCH/DELETE lacks a matching X-CSRFToken or comes from a foreign Origin.
// - Calling authPlugin(deps) in several route modules is fine: Elysia keeps one per app (name + the app's seed).
import { Elysia } from 'elysia'
import type { Authenticated, AuthVia, Credential } from '../authenticate.ts'
import { CSRF_COOKIE, parseCookies, readAuthCookie } from '../cookies.ts'
import { CSRF_HEADER, CSRF_SAFE_METHODS, type RequestSource, csrfFailure, sourceFailure } from '../csrf.ts'
import { notAuthenticated } from '../../lib/errors.ts'
import { badAuthorizationHeader, csrfFailed } from '../errors.ts'
import type { AuthServices, WithAuth } from '../services.ts'
import { missingCookieHint } from '../cross-origin.ts'
import type { ServerConfig } from '../../config/data-dir.ts'
import { forwardedHttps } from '../../http/client-ip.ts'
import type { ApiError } from '../../lib/errors.ts'
import { noteUser } from '../../http/request-log.ts'

export type { AuthVia }

/** The schemes each mode accepts in `Authorization` (token mode takes Bearer too, for generic clients). */
const SCHEMES = { jwt: ['bearer'], token: ['token', 'bearer'] } as const

/**
 * The credential a request carries: the Authorization header if it uses our scheme, else the auth cookie.
 * Headers with another scheme (e.g. Basic for a proxy) are ignored; a malformed one of ours is a 401.
 */
export function readCredential(request: Request, config: ServerConfig): Credential | null {
  const header = request.headers.get('authorization')
  if (header) {
    const parts = header.trim().split(/\s+/)
    const scheme = (parts[0] ?? '').toLowerCase()
    if ((SCHEMES[config.authType] as readonly string[]).includes(scheme)) {
      if (parts.length === 1) throw badAuthorizationHeader('Invalid token header. No credentials provided.')
      if (parts.length > 2) throw badAuthorizationHeader('Invalid token header. Token string should not contain spaces.')
      return { token: parts[1]!, via: 'header' }
    }
  }
  if (!config.useAuthCookie) return null
  const value = readAuthCookie(request, config, config.authType === 'jwt' ? 'access' : 'token')
  return value ? { token: value, via: 'cookie' } : null
}

/** Whether the request reached us over HTTPS: PUBLIC_URL is https, or a trusted proxy says so. */
export function isSecure(request: Request, config: ServerConfig): boolean {
  if (config.publicUrl) return config.publicUrl.startsWith('https:')
  return request.url.startsWith('https:') || forwardedHttps(request, config.trustedProxies)
}

/** Our own origin: PUBLIC_URL's, else the request's (https when a trusted proxy says so). */
export function ownOrigin(request: Request, config: ServerConfig): string {
  if (config.publicUrl) return new URL(config.publicUrl).origin
  const url = new URL(request.url)
  return forwardedHttps(request, config.trustedProxies) ? `https://${url.host}` : url.origin
}

/** The origins a cookie-authenticated write may come from: our own (PUBLIC_URL's, else the request's) and the trusted ones. */
export function allowedOrigins(request: Request, config: ServerConfig): string[] {
  const own = ownOrigin(request, config)
  // An origin allowed to call with credentials is trusted for CSRF too: one list to set (API.md §4).
  return [own, ...config.csrfTrustedOrigins, ...config.corsAllowedOrigins]
}

/** What sourceFailure needs to know about a request. */
function requestSource(request: Request, config: ServerConfig): RequestSource {
  return {
    origin: request.headers.get('origin'),
    referer: request.headers.get('referer'),
    secure: isSecure(request, config),
    allowedOrigins: allowedOrigins(request, config),
  }
}

/**
 * Throws 403 csrf_failed when a cookie-authenticated request fails the CSRF rules of API.md §4.
 * `proxied` is for forward auth: the method and origin of the request a proxy asks about.
 */
export function enforceCsrf(request: Request, config: ServerConfig, sessionId: string, proxied?: { method: string; origins: readonly string[] }): void {
  const method = proxied?.method ?? request.method
  // Before the work below (every cookie decoded again, the request URL parsed): a cookie-authenticated
  // GET paid ~12 µs here for an answer csrfFailure gives from the method alone.
  if (CSRF_SAFE_METHODS.has(method)) return
  const cookies = parseCookies(request.headers.get('cookie'))
  const reason = csrfFailure({
    ...requestSource(request, config),
    ...(proxied ? { allowedOrigins: proxied.origins } : {}),
    method,
    cookieToken: cookies.get(CSRF_COOKIE),
    headerToken: request.headers.get(CSRF_HEADER) ?? undefined,
    sessionId,
    secret: config.secretKey,
  })
  if (reason) throw csrfFailed(reason)
}

/**
 * Login CSRF (API.md §13): a request that would set auth cookies (login, registration, later steps that
 * log in) from a page on a foreign origin would log the victim's browser into the attacker's account.
 * Browsers send Origin on every cross-origin POST; clients that send none (curl, apps) are not browsers.
 */
export function enforceCookieIssuingOrigin(request: Request, config: ServerConfig): void {
  if (!config.useAuthCookie) return
  const source = requestSource(request, config)
  if (source.origin === null) return
  const reason = sourceFailure(source)
  if (reason) throw csrfFailed(reason)
}

/**
 * The `issuesCookies: true` route option: enforceCookieIssuingOrigin before the body is validated, so a
 * forged cross-origin form learns nothing about the route's rules.
 */
export const cookieIssuingGuard = (config: ServerConfig) =>
  // Unnamed: a name would let Elysia dedupe it across apps, keeping the first app's config.
  new Elysia().macro({
    issuesCookies: {
      transform({ request }) {
        enforceCookieIssuingOrigin(request, config)
      },
    },
  })

/** A 401 for a frontend on an allowed origin whose browser sent no cookie says why (field `hint`). */
function withMissingCookieHint(error: ApiError, request: Request, config: ServerConfig): ApiError {
  const hint = missingCookieHint(config, request.headers.get('origin'), request.url, config.publicUrl)
  return hint ? error.with({ hint }) : error
}

export interface RequestAuth extends Authenticated {
  readonly authVia: AuthVia
}

/** Authenticates a request or throws (401/403). Route modules with special needs (logout) call it directly. */
export async function authenticateRequest(
  request: Request,
  config: ServerConfig,
  services: AuthServices,
  proxied?: Parameters<typeof enforceCsrf>[3],
): Promise<RequestAuth> {
  const credential = readCredential(request, config)
  if (!credential) throw withMissingCookieHint(notAuthenticated(), request, config)
  const { user, session } = await services.authenticator.authenticate(credential)
  if (credential.via === 'cookie') enforceCsrf(request, config, session.id, proxied)
  noteUser(request, user.id)
  return { user, session, authVia: credential.via }
}

/** The plugin that provides the `auth: true` route option. */
export function authPlugin(deps: WithAuth) {
  const services = deps.auth
  // Authentication runs in `transform`, before body validation, so an anonymous request with a bad body
  // gets 401 (as in DRF), not field errors that would tell it about the route's rules.
  const done = new WeakMap<Request, RequestAuth>()
  return new Elysia({ name: 'authkit-auth', seed: deps.seed }).macro({
    auth: {
      async transform({ request }) {
        done.set(request, await authenticateRequest(request, deps.config, services))
      },
      resolve({ request }) {
        const auth = done.get(request)
        if (!auth) throw notAuthenticated() // unreachable: transform either set it or threw
        const { user, session, authVia } = auth
        // A fresh object literal: Elysia needs a plain record type to add these to the context.
        return { user, session, authVia }
      },
    },
  })
}
