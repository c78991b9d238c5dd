// POST password/change/ (logged in), password/reset/ and password/reset/confirm/ (no login needed).
import { Elysia } from 'elysia'
import type { Deps } from '../app.ts'
import { authPlugin } from '../http/auth.ts'
import { op } from '../http/openapi.ts'
import type { Accounts } from './accounts.ts'
import { Detail, PasswordResetBody, PasswordResetConfirmBody, passwordChangeBody } from './schemas.ts'

export const passwordRoutes = (deps: Deps, accounts: Accounts) =>
  new Elysia({ name: 'accounts-password', prefix: '/api/auth' })
    .use(authPlugin(deps))
    .post(
      '/password/change',
      async ({ body, user, session }) => {
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
            '`old_password` (when OLD_PASSWORD_FIELD_ENABLED), `new_password1`, `new_password2`. A mismatch and weak-password ' +
            'messages are reported under `new_password2`. Every other session of the user is revoked; this one keeps working.',
          authenticated: true,
          responses: { 200: Detail },
        }),
      },
    )
    .post(
      '/password/reset',
      ({ body, request }) => {
        accounts.passwordReset.request(body.email, request.url)
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
            'PASSWORD_RESET_PREVENT_ENUMERATION is false (then an unknown address is a 400).',
          responses: { 200: Detail },
        }),
      },
    )
    .post(
      '/password/reset/confirm',
      async ({ body }) => {
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
        }),
      },
    )
