// The MFA routes (API.md §8.1, only with USE_MFA): the second login step (login/verify/, change-method/,
// resend/) and the management of one's methods under mfa/. The first step is login/ itself (beginSignIn).
import { Elysia } from 'elysia'
import { signIn } from '../auth/routes/respond.ts'
import { loginResponse } from '../auth/routes/schemas.ts'
import type { WithAuth } from '../auth/services.ts'
import { createThrottle } from '../auth/throttle.ts'
import type { Deps } from '../deps.ts'
import { authPlugin, cookieIssuingGuard } from '../auth/routes/macro.ts'
import { Detail, op } from '../http/openapi.ts'
import type { WithMfa } from './mfa.ts'
import { MFA_MESSAGES as M } from './messages.ts'
import {
  BackupCodesResponse,
  ChangeMethodResponse,
  CreateResponse,
  MethodList,
  NoContent,
  ResendResponse,
  changeMethodBody,
  deleteBody,
  methodBody,
  methodCodeBody,
  primaryBody,
  resendBody,
  verifyBody,
} from './schemas.ts'

type MfaRouteDeps = Deps & WithAuth & WithMfa

const TOKEN_RULES =
  'The ephemeral token is single-use, bound to its user and method, expires after MFA_EPHEMERAL_TOKEN_EXPIRY and dies after ' +
  'MFA_MAX_ATTEMPTS wrong codes (counted across change-method and resend): `{"non_field_errors":["Invalid token"]}`.'

/** login/verify/, login/change-method/, login/resend/: no credentials, the ephemeral token is the proof. */
function loginStepRoutes(deps: MfaRouteDeps) {
  const { config, clock, mfa } = deps
  const throttle = createThrottle(deps)
  const issuer = deps.auth.issuer
  return new Elysia({ name: 'mfa-login', prefix: '/api/auth' })
    .use(cookieIssuingGuard(config))
    .post(
      '/login/verify',
      async ({ body, request, set }) => {
        const ip = throttle.ipOf(request)
        await throttle.take('mfa_login', { ip })
        const user = await mfa.verify(body.ephemeral_token, body.code)
        return signIn({ issuer, config, clock }, user, { userAgent: request.headers.get('user-agent') ?? '', ip }, set)
      },
      {
        issuesCookies: true,
        body: verifyBody(),
        ...op({
          operationId: 'login_verify_create',
          tags: ['login'],
          summary: 'Log in, second step: the MFA code',
          description:
            '`ephemeral_token` from login/ and `code`: a code of the method (TOTP codes are accepted once; e-mailed codes once and ' +
            'for MFA_EMAIL_CODE_LIFETIME from sending) or one of its backup codes (each once). Answers exactly what login/ answers ' +
            'without MFA: the session starts here, with its cookies. A wrong code: `{"non_field_errors":["Invalid code"]}`. ' +
            `${TOKEN_RULES} Counted by the \`mfa_login\` rate limit.` +
            (config.useAuthCookie ? ' Sent from a page whose `Origin` is not trusted, it is refused (403, login CSRF).' : ''),
          responses: { 200: loginResponse(config.authType) },
          errors: config.useAuthCookie ? [403, 429] : [429],
        }),
      },
    )
    .post('/login/change-method', async ({ body }) => mfa.changeMethod(body.ephemeral_token, body.new_method), {
      body: changeMethodBody(mfa.names),
      ...op({
        operationId: 'login_change_method_create',
        tags: ['login'],
        summary: 'Log in, second step: use another method',
        description:
          'A new ephemeral token for another active method of the user; the old token stops working and no code is sent ' +
          '(call login/resend/ for an e-mailed one). The same method: `"Please select a new method"`; a method the user has not ' +
          `activated: \`"${M.methodDoesNotExist}"\`. ${TOKEN_RULES}`,
        responses: { 200: ChangeMethodResponse },
      }),
    })
    .post(
      '/login/resend',
      async ({ body, request }) => {
        await throttle.take('mfa_login', { ip: throttle.ipOf(request) })
        return mfa.resend(body.ephemeral_token)
      },
      {
        body: resendBody(),
        ...op({
          operationId: 'login_resend_create',
          tags: ['login'],
          summary: 'Log in, second step: send the code again',
          description:
            'Mails a new code for an `email` method (the previous one stops working; an `app` method has nothing to send) and ' +
            `answers a new ephemeral token; the old one stops working. ${TOKEN_RULES} Counted by the \`mfa_login\` rate limit.`,
          responses: { 200: ResendResponse },
          errors: [429],
        }),
      },
    )
}

/** mfa/...: the logged-in user's methods. */
function manageRoutes(deps: MfaRouteDeps) {
  const { config, mfa } = deps
  const names = mfa.names
  const doc = (operationId: string, summary: string, description: string, responses: Parameters<typeof op>[0]['responses']) =>
    op({ operationId, tags: ['mfa'], summary, description, authenticated: true, responses })
  return new Elysia({ name: 'mfa-manage', prefix: '/api/auth' })
    .use(authPlugin(deps))
    .get('/mfa', ({ user }) => mfa.list(user), {
      auth: true,
      ...doc(
        'mfa_list',
        'Your MFA methods',
        'Every method authkit offers, in a fixed order, with whether it is set up, active and primary, and how many of its ' +
          'backup codes are left.',
        { 200: MethodList },
      ),
    })
    .post('/mfa', async ({ user, body, status }) => status(201, await mfa.create(user, body.method)), {
      auth: true,
      body: methodBody(names, 'MFAMethodCreateRequest'),
      ...doc(
        'mfa_create',
        'Set up an MFA method',
        'Creates the method, inactive until mfa/confirm/, with NUM_OF_BACKUP_CODES backup codes (shown only in this answer). ' +
          '`app`: `setup_data` has `qr_link` (otpauth:// URI; the secret is stored encrypted) and `qr_svg` (that URI as an SVG QR ' +
          `code). \`email\`: a code is mailed now. A method the user has already: \`{"method":["${M.alreadyExists}"]}\`.`,
        { 201: CreateResponse },
      ),
    })
    .post(
      '/mfa/confirm',
      async ({ user, body }) => {
        await mfa.confirm(user, body.method, body.code)
        return { detail: M.activated }
      },
      {
        auth: true,
        body: methodCodeBody(names, 'MFAMethodConfirmRequest'),
        ...doc(
          'mfa_confirm_create',
          'Activate an MFA method',
          'Activates a set-up, inactive method with a code of it (not a backup code); it becomes primary if the user has no ' +
            `primary method. Wrong code: \`"${M.invalidOtp}"\`; no such inactive method: \`"${M.methodDoesNotExist}"\`.`,
          { 200: Detail },
        ),
      },
    )
    .post(
      '/mfa/deactivate',
      async ({ user, body }) => {
        await mfa.deactivate(user, body.method, body.code)
        return { detail: M.deactivated }
      },
      {
        auth: true,
        body: methodCodeBody(names, 'MFAMethodDeactivateRequest'),
        ...doc(
          'mfa_deactivate_create',
          'Deactivate an MFA method',
          'Deactivates an active method with a code of it (for `email`, call mfa/send/ first). If it was primary, another ' +
            'active method becomes primary, or, with none left, login no longer asks for a second step.',
          { 200: Detail },
        ),
      },
    )
    .post(
      '/mfa/primary',
      async ({ user, body }) => {
        await mfa.setPrimary(user, body.method, body.primary_code)
        return { detail: M.primaryUpdated }
      },
      {
        auth: true,
        body: primaryBody(names, config.mfaUpdatePrimaryMethodRequiredPrimaryCode),
        ...doc(
          'mfa_primary_create',
          'Choose the primary MFA method',
          'Makes an active method the one login asks for. The user must have an active primary method already. With ' +
            'MFA_UPDATE_PRIMARY_METHOD_REQUIRED_PRIMARY_CODE, `primary_code` must be a code of the current primary method ' +
            `(or one of its backup codes): else \`"${M.invalidPrimaryCode}"\`.`,
          { 200: Detail },
        ),
      },
    )
    .post(
      '/mfa/send',
      async ({ user, body }) => {
        await mfa.send(user, body.method)
        return { detail: M.codeSent }
      },
      {
        auth: true,
        body: methodBody(names, 'MFAMethodSendCodeRequest'),
        ...doc(
          'mfa_send_create',
          'Send a code of an MFA method',
          'Mails a new code for an `email` method (active or not; the previous code stops working). `app` has nothing to send ' +
            'and answers the same.',
          { 200: Detail },
        ),
      },
    )
    .post(
      '/mfa/delete',
      async ({ user, body, status }) => {
        await mfa.remove(user, body.method, body.code)
        return status(204, null)
      },
      {
        auth: true,
        body: deleteBody(names),
        ...doc(
          'mfa_delete_create',
          'Delete an MFA method',
          'Deletes a method and its backup codes; 204. An active method needs `code` (with MFA_DELETE_ACTIVE_METHOD_REQUIRE_CODE, ' +
            'the default): missing, `{"code":["This field is required."]}`; wrong, `"Invalid OTP code"`. Refused with ' +
            `MFA_PREVENT_DELETE_ACTIVE_METHOD (\`"${M.cannotDeleteActive}"\`) or MFA_PREVENT_DELETE_PRIMARY_METHOD ` +
            `(\`"${M.cannotDeletePrimary}"\`). If it was primary, another active method becomes primary, or MFA is off.`,
          { 204: NoContent },
        ),
      },
    )
    .post(
      '/mfa/backup-codes/regenerate',
      async ({ user, body }) => ({ backup_codes: await mfa.regenerateBackupCodes(user, body.method, body.code) }),
      {
        auth: true,
        body: methodCodeBody(names, 'MFABackupCodesRegenerateRequest'),
        ...doc(
          'mfa_backup_codes_regenerate_create',
          'New backup codes for an MFA method',
          'With a current code of the active method (not a backup code): a new set of NUM_OF_BACKUP_CODES codes, shown only in ' +
            'this answer; the old set stops working.',
          { 200: BackupCodesResponse },
        ),
      },
    )
}

/** `.use(mfaRoutes(deps))` in createApp: nothing at all without USE_MFA (every route 404). */
export function mfaRoutes(deps: MfaRouteDeps) {
  const plugin = new Elysia({ name: 'mfa' })
  if (!deps.config.useMfa) return plugin
  return plugin.use(loginStepRoutes(deps)).use(manageRoutes(deps))
}
