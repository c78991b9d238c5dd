// POST token/refresh/ and token/verify/ (JWT mode only; in token mode they are not registered: 404).
import { Elysia } from 'elysia'
import { enforceCsrf } from './macro.ts'
import { op } from '../../http/openapi.ts'
import { readAuthCookie } from '../cookies.ts'
import { tokenNotValid } from '../errors.ts'
import type { WithAuth } from '../services.ts'
import { type CookieJar, jwtBody, sendCookies, setJwtCookies } from './respond.ts'
import { RefreshBody, RefreshResponse, VerifyBody, VerifyResponse } from './schemas.ts'

export const tokenRoutes = (deps: WithAuth) => {
  const { config, clock } = deps
  const s = deps.auth
  return new Elysia({ name: 'auth-token', seed: deps.seed })
    .post(
      '/token/refresh',
      async ({ body, request, set }) => {
        const fromCookie = !body.refresh && config.useAuthCookie
        const token = body.refresh || (fromCookie ? readAuthCookie(request, config, 'refresh') : undefined)
        if (!token) throw tokenNotValid('No valid refresh token found.')
        const claims = await s.refresher.verify(token)
        // A cookie is sent by the browser on its own: check CSRF before the token is used up.
        if (fromCookie) enforceCsrf(request, config, claims.sid)
        const pair = await s.refresher.refresh(token, claims)
        const cookies: CookieJar = []
        setJwtCookies(cookies, config, pair, clock.now())
        sendCookies(set, cookies)
        return jwtBody(config, pair)
      },
      {
        body: RefreshBody,
        ...op({
          operationId: 'token_refresh_create',
          tags: ['token'],
          summary: 'Refresh the access token',
          description:
            'Takes the refresh token from the body (`refresh`) or the refresh cookie (then `X-CSRFToken` is required) and answers a new access token' +
            (config.rotateRefreshTokens
              ? ' and a new refresh token. The old refresh token is used up: presented again after the grace window it revokes the whole session.'
              : '.'),
          responses: { 200: RefreshResponse },
          errors: [401, 403],
          refreshCookie: true,
        }),
      },
    )
    .post(
      '/token/verify',
      async ({ body }) => {
        await s.tokenVerifier.verify(body.token)
        return {}
      },
      {
        body: VerifyBody,
        ...op({
          operationId: 'token_verify_create',
          tags: ['token'],
          summary: 'Verify a token',
          description: 'Answers `{}` when the token (access or refresh) is valid, unexpired and its session is live; 401 `token_not_valid` otherwise.',
          responses: { 200: VerifyResponse },
          errors: [401],
        }),
      },
    )
}
