// POST password/change/ (logged in), password/reset/ and password/reset/confirm/ (no login needed).
import { Elysia } from 'elysia'
import type { WithAuth } from '../auth/services.ts'
import type { Deps } from '../deps.ts'
import type { Throttle } from '../auth/throttle.ts'
import { authPlugin } from '../auth/routes/macro.ts'
import { op } from '../http/openapi.ts'
import { requestLang } from '../i18n/negotiate.ts'
import { throttled } from '../lib/errors.ts'
import type { Accounts } from './accounts.ts'
import { Detail, PasswordResetBody, PasswordResetConfirmBody, passwordChangeBody } from './schemas.ts'

export const passwordRoutes = (deps: Deps & WithAuth, accounts: Accounts, throttle: Throttle) =>
  new Elysia({ name: 'accounts-password', prefix: '/api/auth' })
    .use(authPlugin(deps))
    .post(
      '/password/change',
      async ({ body, request, user, session }) => {
        await throttle.take('change_password', { ip: throttle.ipOf(request), user: user.id })
        await accounts.passwordChange.change(user, session.id, body)
        return { detail: 'New password has been saved.' }
      },
      {
        auth: true,
        body: passwordChangeBody(deps.config.oldPasswordFieldEnabled),
        ...op({
          operationId: 'password_change_create',
          tags: ['password'],
          summary: 'Change the password',
          description:
            '`old_password` (when OLD_PASSWORD_FIELD_ENABLED; not checked for an account made by social login that has no password yet), ' +
            '`new_password1`, `new_password2`. A mismatch and weak-password ' +
            'messages are reported under `new_password2`. Every other session of the user is revoked; this one keeps working.',
          authenticated: true,
          responses: { 200: Detail },
          errors: [429],
        }),
      },
    )
    .post(
      '/password/reset',
      async ({ body, request }) => {
        await throttle.take('reset_password', { ip: throttle.ipOf(request) })
        // Past the per-address limit: the same answer and no mail (a 429 would tell who has an account),
        // unless PASSWORD_RESET_PREVENT_ENUMERATION is off and it could tell anyway.
        const byAddress = await throttle.count('reset_password', { key: body.email })
        if (byAddress.allowed) await accounts.passwordReset.request(body.email, request.url, requestLang(request, deps.config.languageCode))
        else if (!deps.config.passwordResetPreventEnumeration) throw throttled(byAddress.retryAfter)
        return { detail: 'Password reset e-mail has been sent.' }
      },
      {
        body: PasswordResetBody,
        ...op({
          operationId: 'password_reset_create',
          tags: ['password'],
          summary: 'Request a password reset e-mail',
          description:
            'Mails a link with `uid` and a single-use `token` (valid for PASSWORD_RESET_TIMEOUT) to an active account with ' +
            'this address. Answers the same whether or not the address has an account, unless ' +
            'PASSWORD_RESET_PREVENT_ENUMERATION is false (then an unknown address is a 400). Past the per-address ' +
            '`reset_password` rate limit it answers the same and mails nothing.',
          responses: { 200: Detail },
          errors: [429],
        }),
      },
    )
    .post(
      '/password/reset/confirm',
      async ({ body, request }) => {
        await throttle.take('reset_password_from_key', { ip: throttle.ipOf(request) })
        await accounts.passwordReset.confirm(body)
        return { detail: 'Password has been reset with the new password.' }
      },
      {
        body: PasswordResetConfirmBody,
        ...op({
          operationId: 'password_reset_confirm_create',
          tags: ['password'],
          summary: 'Set a new password with a reset token',
          description:
            '`uid` and `token` from the reset e-mail, `new_password1`, `new_password2`. A bad uid is `{"uid":["Invalid value"]}`; ' +
            'a bad, expired or used token `{"token":["Invalid value"]}`. The token works once; every session of the user is revoked.',
          responses: { 200: Detail },
          errors: [429],
        }),
      },
    )
