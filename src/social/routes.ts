// Social login's routes under /api/auth/social/: DRF Auth Kit's API (code exchange, connect, accounts)
// and the browser flow (authorize -> provider -> callback) that needs no frontend code.
import { Elysia } from 'elysia'
import { parseCookies, setCookieLine } from '../auth/cookies.ts'
import { beginSignIn } from '../auth/routes/respond.ts'
import type { WithAuth } from '../auth/services.ts'
import type { Deps } from '../deps.ts'
import type { WithSignInWays } from '../users/sign-in-ways.ts'
import { authPlugin, authenticateRequest, cookieIssuingGuard, isSecure, ownOrigin } from '../auth/routes/macro.ts'
import { createThrottle } from '../auth/throttle.ts'
import { optionalString, requiredString, z } from '../http/fields.ts'
import { Detail, op } from '../http/openapi.ts'
import { isoTime } from '../lib/clock.ts'
import { ErrorCode } from '../lib/error-codes.ts'
import { ApiError, FieldErrors, notFound } from '../lib/errors.ts'
import { signInResponse } from '../auth/routes/schemas.ts'
import { safeNext } from './redirects.ts'
import { FLOW_FAILED, createSocial } from './social.ts'
import type { SocialAccountRow } from './social.repo.ts'

const STATE_COOKIE = 'authkit_social_state'
const STATE_PATH = '/api/auth/social/'

const CodeBody = z
  .object({
    code: requiredString(4096),
    code_verifier: optionalString(256).describe('The PKCE verifier, when the frontend sent a code_challenge.'),
    redirect_uri: optionalString(2048).describe("The redirect_uri the frontend used at the provider; default: authkit's callback/ URL."),
    nonce: optionalString(256).describe("The nonce the frontend sent (OpenID Connect); the ID token's must equal it."),
  })
  .meta({ id: 'SocialLoginRequest' })

const SocialAccount = z
  .object({
    id: z.number().int(),
    provider: z.string(),
    uid: z.string(),
    last_login: z.string().nullable().meta({ format: 'date-time' }),
    date_joined: z.string().meta({ format: 'date-time' }),
  })
  .meta({ id: 'SocialAccount' })

const publicAccount = (a: SocialAccountRow) => ({
  id: a.id,
  provider: a.provider,
  uid: a.uid,
  last_login: a.last_login === null ? null : isoTime(a.last_login),
  date_joined: isoTime(a.date_joined),
})

export function socialRoutes(deps: Deps & WithAuth & WithSignInWays & { providerTimeoutSeconds?: number }) {
  const { config, clock } = deps
  const social = createSocial(deps)
  const throttle = createThrottle(deps)
  const callbackUrl = (request: Request, slug: string) => `${ownOrigin(request, config)}/api/auth/social/${slug}/callback/`
  const stateCookie = (request: Request, value: string, maxAge: number) =>
    setCookieLine(STATE_COOKIE, {
      value,
      path: STATE_PATH,
      maxAge,
      httpOnly: true,
      secure: isSecure(request, config) || config.authCookieSecure,
      // Lax: the provider sends the browser back with a top-level GET from its own site.
      sameSite: 'lax',
    })
  const meta = (request: Request) => ({ userAgent: request.headers.get('user-agent') ?? '', ip: throttle.ipOf(request) })
  /** authkit_logins_total counts social sign-ins with password logins: a refused one as `failed`. */
  const counted = async <T,>(signingIn: Promise<T>): Promise<T> => {
    try {
      const done = await signingIn
      deps.metrics?.login('ok')
      return done
    } catch (e) {
      if (e instanceof FieldErrors) deps.metrics?.login('failed')
      throw e
    }
  }
  const exchangeInput = (request: Request, slug: string, body: z.infer<typeof CodeBody>) => ({
    code: body.code,
    codeVerifier: body.code_verifier || undefined,
    nonce: body.nonce || undefined,
    redirectUri: body.redirect_uri || callbackUrl(request, slug),
  })

  let app = new Elysia({ name: 'social', prefix: '/api/auth/social', seed: deps.seed }).use(authPlugin(deps)).use(cookieIssuingGuard(config))

  for (const p of config.socialProviders) {
    const slug = p.slug
    app = app
      .post(
        `/${slug}`,
        async ({ body, request, set }) => {
          if (body.redirect_uri && !URL.canParse(body.redirect_uri)) throw FieldErrors.of('redirect_uri', 'Enter a valid URL.')
          const user = await counted(social.login(slug, exchangeInput(request, slug, body)))
          // A user with MFA gets the second step here too (API.md §8.1; DRF Auth Kit skips it).
          return beginSignIn(deps, user, meta(request), set)
        },
        {
          issuesCookies: true,
          body: CodeBody,
          ...op({
            operationId: `${slug}_create`,
            tags: ['social'],
            summary: `Sign in with ${p.name}`,
            description:
              `Exchanges an authorization \`code\` from ${p.name} (with its PKCE \`code_verifier\`, if any) and answers the login response. ` +
              'A provider account already linked signs in its user; an unknown one creates a user (unusable password, a username ' +
              "from the e-mail, the e-mail verified only if the provider says so). An existing account with the provider's address " +
              'is linked only when the provider marks the address verified and SOCIAL_LOGIN_AUTO_CONNECT_BY_EMAIL is on; ' +
              'otherwise 400 "User is already registered with this e-mail address.".',
            responses: { 200: signInResponse(config) },
            errors: config.useAuthCookie ? [403] : [],
          }),
        },
      )
      .post(
        `/${slug}/connect`,
        async ({ body, request, user }) => {
          if (body.redirect_uri && !URL.canParse(body.redirect_uri)) throw FieldErrors.of('redirect_uri', 'Enter a valid URL.')
          await social.connect(slug, user, exchangeInput(request, slug, body))
          return { detail: 'Connected' }
        },
        {
          auth: true,
          body: CodeBody,
          ...op({
            operationId: `${slug}_connect_create`,
            tags: ['social'],
            summary: `Connect a ${p.name} account`,
            description: `Links the ${p.name} account behind \`code\` to the signed-in user. One provider account belongs to one user: linked to another, 400.`,
            authenticated: true,
            responses: { 200: Detail },
          }),
        },
      )
      .get(
        `/${slug}/authorize`,
        async ({ query, request, set }) => {
          const own = ownOrigin(request, config)
          const next = safeNext(query.next, own, config)
          if (next === null) throw FieldErrors.of('next', 'This redirect target is not allowed.')
          let userId: number | null = null
          if (query.process === 'connect') userId = (await authenticateRequest(request, config, deps.auth)).user.id
          const { url, state } = await social.start(slug, { redirectUri: callbackUrl(request, slug), next, userId })
          set.status = 302
          set.headers.location = url.href
          set.headers['set-cookie'] = stateCookie(request, state, 600)
          set.headers['cache-control'] = 'no-store'
          return ''
        },
        {
          query: z.object({ next: z.string().max(2048).optional(), process: z.enum(['login', 'connect']).optional() }),
          ...op({
            operationId: `${slug}_authorize_retrieve`,
            tags: ['social'],
            summary: `Start signing in with ${p.name} (browser)`,
            description:
              `Redirects (302) to ${p.name} with a single-use \`state\` (also kept in a short-lived HttpOnly cookie), PKCE S256 and, ` +
              "for OpenID Connect, a `nonce`. `next`: where to return afterwards; only authkit's own origin, FRONTEND_BASE_URL and " +
              'SOCIAL_ALLOWED_REDIRECT_ORIGINS are accepted. `process=connect` (signed in) links the account instead of signing in.',
            responses: { 302: z.string().describe('Redirect to the provider.') },
            errors: [404],
          }),
        },
      )
      .get(
        `/${slug}/callback`,
        async ({ query, request, set }) => {
          const cookieState = parseCookies(request.headers.get('cookie')).get(STATE_COOKIE)
          const clear = stateCookie(request, '', 0)
          const cookies: string[] = [clear]
          set.headers['cache-control'] = 'no-store'
          try {
            const result = await counted(social.finish(slug, {
              state: query.state,
              cookieState,
              code: query.code,
              iss: query.iss,
              error: query.error,
              redirectUri: callbackUrl(request, slug),
            }))
            // The stored `next` was checked when the flow began; checked again in case the settings changed.
            const own = ownOrigin(request, config)
            const next = safeNext(result.next, own, config) ?? `${own}/`
            if (result.kind === 'login') {
              const answer = await beginSignIn(deps, result.user, meta(request), set)
              // The browser flow has no page for the second step: a user with MFA is not signed in here
              // (never an MFA bypass); the API flow (POST social/{slug}/) answers the MFA step instead.
              if ('ephemeral_token' in answer) {
                throw new ApiError(403, 'This account uses multi-factor authentication: sign in through the API flow (POST social/' + slug + '/) or with the password.', ErrorCode.mfa_required)
              }
              const issued = set.headers['set-cookie']
              if (Array.isArray(issued)) cookies.push(...(issued as string[]))
              else if (typeof issued === 'string') cookies.push(issued)
            }
            set.status = 302
            set.headers.location = next
            set.headers['set-cookie'] = cookies
            return ''
          } catch (e) {
            set.headers['set-cookie'] = cookies
            throw e
          }
        },
        {
          query: z.object({
            state: z.string().max(512).optional(),
            code: z.string().max(4096).optional(),
            iss: z.string().max(2048).optional(),
            error: z.string().max(256).optional(),
            error_description: z.string().max(2048).optional(),
          }),
          ...op({
            operationId: `${slug}_callback_retrieve`,
            tags: ['social'],
            summary: `Return from ${p.name} (browser)`,
            description:
              'Checks `state` against the cookie and uses it up, exchanges `code` with the PKCE verifier, validates the ID token ' +
              "(signature by the provider's JWKS, `iss`, `aud`, `exp`, `nonce`), signs in with cookies and redirects (302) to `next`. " +
              `A wrong, replayed or expired state, or any provider failure: 400 "${FLOW_FAILED}" or "Failed to exchange code for access token", nothing changed.`,
            responses: { 302: z.string().describe('Signed in: redirect to `next`.') },
            errors: [404],
          }),
        },
      )
  }

  return app
    .get('/accounts', async ({ user }) => (await social.accounts(user.id)).map(publicAccount), {
      auth: true,
      ...op({
        operationId: 'accounts_list',
        tags: ['accounts'],
        summary: 'Linked social accounts',
        description: "The signed-in user's linked provider accounts.",
        authenticated: true,
        responses: { 200: z.array(SocialAccount) },
      }),
    })
    .delete(
      '/accounts/:id',
      async ({ params, user, set }) => {
        const id = /^\d{1,15}$/.test(params.id) ? Number(params.id) : null
        if (id === null) throw notFound()
        await social.remove(user, id)
        set.status = 204
        return ''
      },
      {
        auth: true,
        ...op({
          operationId: 'accounts_destroy',
          tags: ['accounts'],
          summary: 'Remove a linked social account',
          description:
            "204. Another user's or an unknown id: 404. The user's last way to sign in (no usable password, no other social account, " +
            'no passkey) cannot be removed: 400 "This is your last way to sign in; set a password first.".',
          authenticated: true,
          responses: { 204: z.string().describe('No content.') },
          errors: [404],
        }),
      },
    )
}
