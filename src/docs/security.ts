// The document's security schemes, as this server's settings make them: bearer always, `Token` in token
// mode, the auth cookies and the CSRF header when USE_AUTH_COOKIE is on.
import type { Config } from '../config/settings.ts'

export type SecurityScheme = { [key: string]: unknown }
export type SecurityRequirement = Record<string, string[]>

export const CSRF_HEADER = 'X-CSRFToken'
export const CSRF_COOKIE = 'csrftoken'

type SecurityConfig = Pick<
  Config,
  'authType' | 'useAuthCookie' | 'authJwtCookieName' | 'authJwtRefreshCookieName' | 'authTokenCookieName'
>

export function securitySchemes(config: SecurityConfig): Record<string, SecurityScheme> {
  const jwt = config.authType === 'jwt'
  const schemes: Record<string, SecurityScheme> = {
    bearer: jwt
      ? {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'The `access_token` from login/ or token/refresh/, sent as `Authorization: Bearer <access_token>`. In Swagger UI, paste the token alone.',
        }
      : {
          type: 'http',
          scheme: 'bearer',
          description: 'The `key` from login/, sent as `Authorization: Bearer <key>` (the same as `Token <key>`). In Swagger UI, paste the key alone.',
        },
  }
  if (!jwt) {
    schemes.token = {
      type: 'apiKey',
      in: 'header',
      name: 'Authorization',
      description: 'The `key` from login/, sent as `Authorization: Token <key>`: type `Token ` and then the key.',
    }
  }
  if (config.useAuthCookie) {
    schemes.cookie = {
      type: 'apiKey',
      in: 'cookie',
      name: jwt ? config.authJwtCookieName : config.authTokenCookieName,
      description:
        `The HttpOnly cookie login/ sets; a browser sends it by itself. POST, PUT, PATCH and DELETE authenticated by it also need \`${CSRF_HEADER}\`. ` +
        'A browser page cannot set it from here: use "Try it out" on login/, or paste the token into `bearer`.',
    }
    if (jwt) {
      schemes.refreshCookie = {
        type: 'apiKey',
        in: 'cookie',
        name: config.authJwtRefreshCookieName,
        description: 'The HttpOnly refresh-token cookie login/ sets; token/refresh/ and logout/ read it when the body has no `refresh`.',
      }
    }
    schemes.csrf = {
      type: 'apiKey',
      in: 'header',
      name: CSRF_HEADER,
      description: `The value of the \`${CSRF_COOKIE}\` cookie (readable by scripts; set at login and by GET csrf/). Needed on cookie-authenticated POST, PUT, PATCH and DELETE; requests authenticated by the \`Authorization\` header are exempt. This page's Swagger UI adds it by itself.`,
    }
  }
  return schemes
}

const SAFE = new Set(['get', 'head', 'options'])

/**
 * A route's requirements as declared (op() lists every way in), narrowed to the schemes this server has;
 * safe methods need no CSRF header. `undefined` when the route declares nothing.
 */
export function operationSecurity(
  declared: readonly SecurityRequirement[] | undefined,
  method: string,
  schemes: Record<string, SecurityScheme>,
): SecurityRequirement[] | undefined {
  if (!declared) return undefined
  const out: SecurityRequirement[] = []
  const seen = new Set<string>()
  for (const requirement of declared) {
    const names = Object.keys(requirement).filter((n) => !(SAFE.has(method) && n === 'csrf'))
    // A requirement naming a scheme this server does not have (cookies off, `Token` in JWT mode) is not a way in.
    if (names.some((n) => !(n in schemes))) continue
    const key = names.join('+')
    if (seen.has(key)) continue
    seen.add(key)
    out.push(Object.fromEntries(names.map((n) => [n, requirement[n] ?? []])))
  }
  // Only "anonymous" is left (the refresh cookie of a server without cookies): plainly public.
  return out.every((r) => Object.keys(r).length === 0) ? [] : out
}

/** Credentials are required: some way in is listed and none of them is "anonymous" (`{}`). */
export const requiresCredentials = (security: readonly SecurityRequirement[] | undefined) =>
  !!security && security.length > 0 && security.every((r) => Object.keys(r).length > 0)
