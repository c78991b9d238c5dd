// POST login/: checks the credentials, opens a session and hands out its tokens (body and cookies).
import { Elysia } from 'elysia'
import { cookieIssuingGuard } from '../../http/auth.ts'
import { op } from '../../http/openapi.ts'
import { ApiError } from '../../lib/errors.ts'
import { loginKey, throttledLogin } from '../login-throttle.ts'
import { type AuthDeps, authServices } from '../services.ts'
import { createThrottle } from '../throttle.ts'
import { signIn } from './respond.ts'
import { loginBody, loginResponse } from './schemas.ts'

export const loginRoutes = (deps: AuthDeps) => {
  const { config, clock } = deps
  const s = authServices(deps)
  const throttle = createThrottle(deps)
  return new Elysia({ name: 'auth-login', seed: s.seed }).use(cookieIssuingGuard(config)).post(
    '/login',
    async ({ body, request, set }) => {
      const ip = throttle.ipOf(request)
      const account = await s.credentials.find(body)
      let user
      try {
        user = await throttledLogin(throttle, { ip, key: loginKey(body, account) }, () => s.credentials.check(body, account))
      } catch (e) {
        deps.metrics?.login(e instanceof ApiError && e.status === 429 ? 'throttled' : 'failed')
        throw e
      }
      deps.metrics?.login('ok')
      return signIn({ issuer: s.issuer, config, clock }, user, { userAgent: request.headers.get('user-agent') ?? '', ip }, set)
    },
    {
      issuesCookies: true,
      body: loginBody(config.accountLoginMethods),
      ...op({
        operationId: 'login_create',
        tags: ['login'],
        summary: 'Log in',
        description:
          `Checks ${config.accountLoginMethods.join(' or ')} and password and opens a server-side session. ` +
          (config.authType === 'jwt'
            ? 'Answers an access/refresh JWT pair'
            : 'Answers an opaque key (send it as `Authorization: Token <key>`)') +
          (config.useAuthCookie ? '; the credentials are also set as HttpOnly cookies, with a `csrftoken` cookie.' : '.') +
          ' An unknown user, a wrong password and an inactive account get the same answer.' +
          (config.useAuthCookie ? ' Sent from a page whose `Origin` is not trusted, it is refused (403, login CSRF).' : ''),
        responses: { 200: loginResponse(config.authType) },
        errors: config.useAuthCookie ? [403, 429] : [429],
      }),
    },
  )
}
