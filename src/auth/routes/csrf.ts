// GET csrf/: sets the csrftoken cookie and returns its value (for clients that cannot read the cookie,
// such as a frontend on another origin). Bound to the caller's session when there is one.
import { Elysia } from 'elysia'
import { readCredential } from './macro.ts'
import { op } from '../../http/openapi.ts'
import { readAuthCookie } from '../cookies.ts'
import { newCsrfToken } from '../csrf.ts'
import type { WithAuth } from '../services.ts'
import { type CookieJar, sendCookies, setCsrfCookie } from './respond.ts'
import { CsrfResponse } from './schemas.ts'

export const csrfRoutes = (deps: WithAuth) => {
  const { config } = deps
  const s = deps.auth

  /** The session of the caller, from its access credential or else its refresh cookie; null if none is live. */
  const currentSession = async (request: Request): Promise<string | null> => {
    try {
      const credential = readCredential(request, config)
      if (credential) return (await s.authenticator.authenticate(credential)).session.id
    } catch {
      // An expired access token is normal here: fall back to the refresh cookie.
    }
    if (config.authType !== 'jwt' || !config.useAuthCookie) return null
    const refresh = readAuthCookie(request, config, 'refresh')
    if (!refresh) return null
    const claims = await s.refresher.verify(refresh).catch(() => null)
    return claims && (await s.refresher.isCurrent(claims)) ? claims.sid : null
  }

  return new Elysia({ name: 'auth-csrf', seed: deps.seed }).get(
    '/csrf',
    async ({ request, set }) => {
      const csrftoken = newCsrfToken(config.secretKey, await currentSession(request))
      const cookies: CookieJar = []
      setCsrfCookie(cookies, config, csrftoken)
      sendCookies(set, cookies)
      return { csrftoken }
    },
    {
      ...op({
        operationId: 'csrf_retrieve',
        tags: ['csrf'],
        summary: 'Get a CSRF token',
        description:
          'Sets the `csrftoken` cookie and returns its value. Cookie-authenticated POST/PUT/PATCH/DELETE requests send it back in `X-CSRFToken`. ' +
          'The token is bound to the session: after logging in, use the new one the login set (or call this again).',
        responses: { 200: CsrfResponse },
      }),
    },
  )
}
