// The passkey routes (USE_PASSKEYS): registration and the list for a signed-in user, and sign-in.
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server'
import { Elysia } from 'elysia'
import { signIn } from '../auth/routes/respond.ts'
import { loginResponse } from '../auth/routes/schemas.ts'
import type { WithAuth } from '../auth/services.ts'
import type { Deps } from '../deps.ts'
import type { WithSignInWays } from '../users/sign-in-ways.ts'
import { createThrottle } from '../auth/throttle.ts'
import { authPlugin, cookieIssuingGuard } from '../auth/routes/macro.ts'
import { op } from '../http/openapi.ts'
import { z } from '../http/fields.ts'
import { notFound } from '../lib/errors.ts'
import { createPasskeys } from './passkeys.ts'
import { relyingParty } from './relying-party.ts'
import { CreationOptions, Passkey, PasskeyLoginBody, PasskeyRegisterBody, PasskeyRenameBody, RequestOptions } from './schemas.ts'

/** `{id}` of passkeys/{id}/: a positive integer, anything else is simply not found. */
const passkeyId = (raw: string): number => {
  if (!/^\d{1,15}$/.test(raw)) throw notFound()
  return Number(raw)
}

export function passkeysRoutes(deps: Deps & WithAuth & WithSignInWays) {
  const { config, clock } = deps
  const passkeys = createPasskeys(deps)
  const throttle = createThrottle(deps)
  const s = deps.auth
  const rp = (request: Request) => relyingParty(config, request.url)

  return new Elysia({ name: 'passkeys', prefix: '/api/auth/passkeys', seed: deps.seed })
    .use(authPlugin(deps))
    .use(cookieIssuingGuard(config))
    .post('/register/options', ({ user, request }) => passkeys.registrationOptions(user, rp(request)), {
      auth: true,
      ...op({
        operationId: 'passkeys_register_options_create',
        tags: ['passkeys'],
        summary: 'Options to register a passkey',
        description:
          'PublicKeyCredentialCreationOptions for navigator.credentials.create() (a discoverable credential, user verification ' +
          'required, attestation `none`). Its challenge is bound to the signed-in user, works once and expires in 5 minutes.',
        authenticated: true,
        responses: { 200: CreationOptions },
      }),
    })
    .post(
      '/register',
      async ({ user, request, body, set }) => {
        const created = await passkeys.register(user, rp(request), body.credential as unknown as RegistrationResponseJSON, body.name)
        set.status = 201
        return created
      },
      {
        auth: true,
        body: PasskeyRegisterBody,
        ...op({
          operationId: 'passkeys_register_create',
          tags: ['passkeys'],
          summary: 'Register a passkey',
          description:
            '`credential` (what navigator.credentials.create() answered, as JSON) and an optional `name`. The challenge, origin, ' +
            'RP ID and user verification are checked. Refused with `non_field_errors` when the challenge is unknown, used, expired ' +
            "or another user's, when the credential does not verify, or when it is already registered.",
          authenticated: true,
          responses: { 201: Passkey },
        }),
      },
    )
    .get('/', async ({ user }) => passkeys.list(user.id), {
      auth: true,
      ...op({
        operationId: 'passkeys_list',
        tags: ['passkeys'],
        summary: "The signed-in user's passkeys",
        description: '`[{"id","name","created_at","last_used_at"}]`, oldest first.',
        authenticated: true,
        responses: { 200: z.array(Passkey) },
      }),
    })
    .patch('/:id', async ({ user, params, body }) => passkeys.rename(user.id, passkeyId(params.id), body.name), {
      auth: true,
      body: PasskeyRenameBody,
      ...op({
        operationId: 'passkeys_partial_update',
        tags: ['passkeys'],
        summary: 'Rename a passkey',
        description: "`name`. Another user's passkey, or an unknown id, is 404.",
        authenticated: true,
        responses: { 200: Passkey },
        errors: [404],
      }),
    })
    .delete(
      '/:id',
      async ({ user, params }) => {
        await passkeys.remove(user.id, passkeyId(params.id))
        return new Response(null, { status: 204 })
      },
      {
        auth: true,
        ...op({
          operationId: 'passkeys_destroy',
          tags: ['passkeys'],
          summary: 'Delete a passkey',
          description: "It can no longer sign in. Another user's passkey, or an unknown id, is 404.",
          authenticated: true,
          responses: { 204: z.null() },
          errors: [404],
        }),
      },
    )
    .post('/login/options', async ({ request }) => passkeys.loginOptions(rp(request)), {
      ...op({
        operationId: 'passkeys_login_options_create',
        tags: ['passkeys'],
        summary: 'Options to sign in with a passkey',
        description:
          'PublicKeyCredentialRequestOptions for navigator.credentials.get() asking for a discoverable credential (no username ' +
          'needed, user verification required), and a `challenge_token` that redeems them once, within 5 minutes.',
        responses: { 200: RequestOptions },
      }),
    })
    .post(
      '/login',
      async ({ request, body, set }) => {
        const ip = throttle.ipOf(request)
        await throttle.take('login', { ip })
        const user = await passkeys.login(rp(request), body.credential as unknown as AuthenticationResponseJSON, body.challenge_token)
        // A passkey is possession plus user verification: it signs in without the MFA step (API.md §8.1).
        return signIn({ issuer: s.issuer, config, clock }, user, { userAgent: request.headers.get('user-agent') ?? '', ip }, set)
      },
      {
        issuesCookies: true,
        body: PasskeyLoginBody,
        ...op({
          operationId: 'passkeys_login_create',
          tags: ['passkeys', 'login'],
          summary: 'Sign in with a passkey',
          description:
            '`credential` (what navigator.credentials.get() answered, as JSON) and the `challenge_token` of the options. Answers ' +
            'the login response. Refused with `non_field_errors` when the challenge is unknown, used or expired, the credential ' +
            'is unknown or does not verify (origin, RP ID, signature, user verification), or its signature counter went backwards.' +
            (config.useAuthCookie ? ' Sent from a page whose `Origin` is not trusted, it is refused (403, login CSRF).' : ''),
          responses: { 200: loginResponse(config.authType) },
          errors: config.useAuthCookie ? [403, 429] : [429],
        }),
      },
    )
}
