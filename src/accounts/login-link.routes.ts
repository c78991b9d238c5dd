// E-mailed sign-in links (USE_EMAIL_LINK_LOGIN): the request, the verification, and the page the link
// opens when no frontend is configured (GET shows a button and uses nothing; its POST signs in).
import { Elysia } from 'elysia'
import { beginSignIn } from '../auth/routes/respond.ts'
import { signInResponse } from '../auth/routes/schemas.ts'
import type { WithAuth } from '../auth/services.ts'
import type { Deps } from '../deps.ts'
import type { Throttle } from '../auth/throttle.ts'
import { cookieIssuingGuard } from '../auth/routes/macro.ts'
import { op } from '../http/openapi.ts'
import { email, requiredString, z } from '../http/fields.ts'
import { FieldErrors } from '../lib/errors.ts'
import { LoginLinkDonePage, LoginLinkFailedPage, LoginLinkPage } from '../../views/pages/login-link.tsx'
import type { Accounts } from './accounts.ts'
import { LOGIN_LINK_SENT } from './login-links.ts'
import { PAGE_PATHS } from './links.ts'
import { Detail } from './schemas.ts'
import { page } from './pages.routes.ts'
import { requestLang } from '../i18n/negotiate.ts'

const LoginLinkBody = z.object({ email: email() }).meta({ id: 'LoginLinkRequest' })
const LoginLinkVerifyBody = z.object({ token: requiredString(256) }).meta({ id: 'LoginLinkVerify' })

const noDocs = { detail: { hide: true } }
// The page's form POSTs to itself: it must carry a real Origin for the login-CSRF guard (see page()).
const SAME_ORIGIN = { referrerPolicy: 'same-origin' } as const

export function loginLinkRoutes(deps: Deps & WithAuth, accounts: Accounts, throttle: Throttle) {
  const { config, clock } = deps
  const siteName = config.siteName

  /**
   * The one place a sign-in link becomes a session: uses the token, then the sign-in path that asks a
   * user with MFA for the second step (API.md §8.1), for the API route and the page alike.
   */
  async function signInWithLink(token: string, request: Request, set: { headers: Record<string, unknown> }) {
    const ip = throttle.ipOf(request)
    await throttle.take('login_link_verify', { ip })
    const user = await accounts.loginLinks.use(token)
    return beginSignIn(deps, user, { userAgent: request.headers.get('user-agent') ?? '', ip }, set)
  }

  return new Elysia({ name: 'accounts-login-link', seed: deps.seed })
    .use(cookieIssuingGuard(config))
    .post(
      '/api/auth/login/email-link',
      async ({ body, request }) => {
        await throttle.take('login_link', { ip: throttle.ipOf(request) })
        // Past the per-address limit: the same answer and no mail (a 429 would tell who has an account).
        const byAddress = await throttle.count('login_link', { key: body.email })
        if (byAddress.allowed) await accounts.loginLinks.request(body.email, request.url)
        return { detail: LOGIN_LINK_SENT }
      },
      {
        body: LoginLinkBody,
        ...op({
          operationId: 'login_email_link_create',
          tags: ['login'],
          summary: 'E-mail a sign-in link',
          description:
            'Mails a link with a single-use `token` (valid for LOGIN_LINK_LIFETIME) to an active account with this address. ' +
            'Answers the same, in about the same time, whether or not the address has an account; past the per-address ' +
            '`login_link` rate limit it answers the same and mails nothing.',
          responses: { 200: Detail },
          errors: [429],
        }),
      },
    )
    .post('/api/auth/login/email-link/verify', ({ body, request, set }) => signInWithLink(body.token, request, set), {
      issuesCookies: true,
      body: LoginLinkVerifyBody,
      ...op({
        operationId: 'login_email_link_verify_create',
        tags: ['login'],
        summary: 'Sign in with an e-mailed link',
        description:
          '`token` from the link. Answers the login response; the token works once. A bad, used or expired token is ' +
          '`{"token":["Invalid value"]}`.' +
          (config.useAuthCookie ? ' Sent from a page whose `Origin` is not trusted, it is refused (403, login CSRF).' : ''),
        responses: { 200: signInResponse(config) },
        errors: config.useAuthCookie ? [403, 429] : [429],
      }),
    })
    .get(
      PAGE_PATHS.loginLink,
      async ({ query, request }) => {
        const lang = requestLang(request, config.languageCode)
        const token = typeof query.token === 'string' ? query.token : ''
        // Only looks: a mail scanner that prefetches the link leaves the token usable.
        if (!(await accounts.loginLinks.check(token))) return page(LoginLinkFailedPage({ siteName, lang }), lang, 400)
        return page(LoginLinkPage({ siteName, token, lang }), lang, 200, SAME_ORIGIN)
      },
      noDocs,
    )
    .post(
      PAGE_PATHS.loginLink,
      async ({ body, request }) => {
        const lang = requestLang(request, config.languageCode)
        const token = typeof (body as Record<string, unknown> | null)?.token === 'string' ? (body as { token: string }).token : ''
        // The page answers a Response of its own: the login cookies signIn put on `jar` are copied onto it.
        const jar: { headers: Record<string, unknown> } = { headers: {} }
        try {
          const answer = await signInWithLink(token, request, jar)
          // The page has no second step: a user with MFA is not signed in by it (never an MFA bypass);
          // the API route answers the MFA step instead.
          if ('ephemeral_token' in answer) return page(LoginLinkFailedPage({ siteName, lang }), lang, 403)
        } catch (e) {
          if (e instanceof FieldErrors) return page(LoginLinkFailedPage({ siteName, lang }), lang, 400)
          throw e
        }
        return page(LoginLinkDonePage({ siteName, lang }), lang, 200, { cookies: (jar.headers['set-cookie'] as string[] | undefined) ?? [] })
      },
      { ...noDocs, issuesCookies: true },
    )
}
