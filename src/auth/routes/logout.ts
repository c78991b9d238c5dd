// POST logout/: revokes the session behind the request, so its access and refresh tokens (or its key)
// stop working at once, and clears the auth cookies.
import { Elysia } from 'elysia'
import { record as recordAudit } from '../../audit/audit.ts'
import { readAuthCookie } from '../cookies.ts'
import type { TokenClaims } from '../jwt.ts'
import { authenticateRequest, enforceCsrf } from './macro.ts'
import { clientIp } from '../../http/client-ip.ts'
import { Detail, op } from '../../http/openapi.ts'
import { ApiError } from '../../lib/errors.ts'
import type { WithAuth } from '../services.ts'
import { revokeSession } from '../sessions.ts'
import { clearAuthCookies, type CookieJar, sendCookies } from './respond.ts'
import { LogoutBody } from './schemas.ts'

export const logoutRoutes = (deps: WithAuth) => {
  const { config, clock, db } = deps
  const s = deps.auth

  /** A refresh token's claims when it is the live, current token of a session; null otherwise. */
  const liveRefresh = async (token: string | undefined): Promise<TokenClaims | null> => {
    if (!token || config.authType !== 'jwt') return null
    const claims = await s.refresher.verify(token).catch(() => null)
    return claims && (await s.refresher.isCurrent(claims)) ? claims : null
  }

  return new Elysia({ name: 'auth-logout', seed: deps.seed }).post(
    '/logout',
    async ({ body, request, set }) => {
      let sessionId: string
      let userId: string
      try {
        const auth = await authenticateRequest(request, config, s)
        sessionId = auth.session.id
        userId = String(auth.user.id)
      } catch (e) {
        // An expired access token must not keep a session alive: a live refresh token (body, or the
        // cookie with the same CSRF rules) may log out too.
        if (!(e instanceof ApiError) || e.status !== 401) throw e
        const fromBody = await liveRefresh(body.refresh)
        const fromCookie = fromBody ? null : config.useAuthCookie ? await liveRefresh(readAuthCookie(request, config, 'refresh')) : null
        const claims = fromBody ?? fromCookie
        if (!claims) throw e
        if (fromCookie) enforceCsrf(request, config, claims.sid)
        sessionId = claims.sid
        userId = claims.sub
      }
      const now = clock.now()
      // JWT header mode may name its refresh token too; revoke its session if it is the same user's.
      const named = await liveRefresh(body.refresh)
      const ip = clientIp(request, config.trustedProxies)
      await db.transaction(async (tx) => {
        const ended = [sessionId, ...(named && named.sub === userId && named.sid !== sessionId ? [named.sid] : [])]
        for (const sid of ended) {
          if (await revokeSession(tx, sid, { now, reason: 'logout' })) {
            await recordAudit(tx, { event: 'logout', at: now, userId: Number(userId), sessionId: sid, ip, userAgent: request.headers.get('user-agent') ?? '' })
          }
        }
      })
      const cookies: CookieJar = []
      clearAuthCookies(cookies, config)
      sendCookies(set, cookies)
      return { detail: 'Successfully logged out.' }
    },
    {
      body: LogoutBody,
      ...op({
        operationId: 'logout_create',
        tags: ['logout'],
        summary: 'Log out',
        description:
          'Revokes the session behind the request on the server: its access and refresh tokens stop working at once. ' +
          'Clears the auth cookies. In JWT mode a live refresh token (body `refresh`, or the refresh cookie) also identifies the session.',
        authenticated: true,
        refreshCookie: true,
        responses: { 200: Detail },
      }),
    },
  )
}
