// POST login/: checks the credentials, opens a session and hands out its tokens (body and cookies).
import { Elysia } from 'elysia'
import { record as recordAudit } from '../../audit/audit.ts'
import { cookieIssuingGuard } from './macro.ts'
import { op } from '../../http/openapi.ts'
import { ApiError } from '../../lib/errors.ts'
import { isBadCredentials, loginKey, throttledLogin } from '../login-throttle.ts'
import type { WithAuth } from '../services.ts'
import { createThrottle } from '../throttle.ts'
import { beginSignIn } from './respond.ts'
import { loginBody, signInResponse } from './schemas.ts'

export const loginRoutes = (deps: WithAuth) => {
  const { config, clock } = deps
  const s = deps.auth
  const throttle = createThrottle(deps)
  return new Elysia({ name: 'auth-login', seed: deps.seed }).use(cookieIssuingGuard(config)).post(
    '/login',
    async ({ body, request, set }) => {
      const ip = throttle.ipOf(request)
      const account = await s.credentials.find(body)
      const userAgent = request.headers.get('user-agent') ?? ''
      let user
      try {
        user = await throttledLogin(throttle, { ip, key: loginKey(body, account) }, () => s.credentials.check(body, account))
      } catch (e) {
        const throttled = e instanceof ApiError && e.status === 429
        deps.metrics?.login(throttled ? 'throttled' : 'failed')
        // A refused login writes nothing else, so its record is its own insert. The name typed is not
        // kept (it may be a password typed into the wrong field): only the account it named, if any.
        const event = throttled ? 'login_throttled' : isBadCredentials(e) ? 'login_failed' : null
        if (event) await recordAudit(deps.db, { event, at: clock.now(), userId: account?.id ?? null, ip, userAgent })
        throw e
      }
      deps.metrics?.login('ok')
      return beginSignIn(deps, user, { userAgent, ip }, set)
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
          (config.useAuthCookie ? ' Sent from a page whose `Origin` is not trusted, it is refused (403, login CSRF).' : '') +
          (config.useMfa
            ? ' With USE_MFA, a user whose primary MFA method is active gets the first step instead: `{"ephemeral_token", "method", ' +
              '"mfa_enabled": true}`, no session and no cookies (the code of an `email` method is mailed now); finish with ' +
              '`login/verify/`. Everyone else gets the login answer with `"mfa_enabled": false`.'
            : ''),
        responses: { 200: signInResponse(config) },
        errors: config.useAuthCookie ? [403, 429] : [429],
      }),
    },
  )
}
