// POST registration/, registration/verify-email/, registration/resend-email/ (no login needed).
import { Elysia } from 'elysia'
import type { Throttle } from '../auth/throttle.ts'
import type { ServerConfig } from '../config/data-dir.ts'
import { cookieIssuingGuard } from '../auth/routes/macro.ts'
import { op } from '../http/openapi.ts'
import { requestLang } from '../i18n/negotiate.ts'
import type { Accounts } from './accounts.ts'
import { Detail, RegisterBody, RegisterResponse, ResendEmailBody, VerifyEmailBody } from './schemas.ts'
import { publicUser } from '../users/user.ts'

export const registrationRoutes = (config: ServerConfig, accounts: Accounts, throttle: Throttle) =>
  new Elysia({ name: 'accounts-registration', prefix: '/api/auth' })
    .use(cookieIssuingGuard(config))
    .post(
      '/registration',
      async ({ body, request, status }) => {
        await throttle.take('signup', { ip: throttle.ipOf(request), key: body.email })
        const { detail, user } = await accounts.registration.register(body, request.url, requestLang(request, config.languageCode))
        return status(201, { detail, user: publicUser(user) })
      },
      {
        issuesCookies: true,
        body: RegisterBody,
        ...op({
          operationId: 'registration_create',
          tags: ['registration'],
          summary: 'Register a new account',
          description:
            'Creates an account from `username`, `email`, `password1`, `password2` (and optional `first_name`, `last_name`). ' +
            "The password must pass Django's four validators (similarity to the username, names or e-mail; at least 8 characters; " +
            'not a common password; not entirely numeric). Usernames and e-mails are unique regardless of letter case. ' +
            'Unless ACCOUNT_EMAIL_VERIFICATION is `none`, a verification e-mail is queued; with `mandatory`, login waits for it. ' +
            'No tokens are issued.' +
            (config.useAuthCookie ? ' Sent from a page whose `Origin` is not trusted, it is refused (403).' : ''),
          responses: { 201: RegisterResponse },
          errors: config.useAuthCookie ? [403, 429] : [429],
        }),
      },
    )
    .post(
      '/registration/verify-email',
      async ({ body }) => {
        await accounts.verification.verify(body.key)
        return { detail: 'ok' }
      },
      {
        body: VerifyEmailBody,
        ...op({
          operationId: 'registration_verify_email_create',
          tags: ['registration'],
          summary: 'Verify an e-mail address',
          description:
            'Uses the `key` from a verification e-mail. Keys are single-use and expire after EMAIL_CONFIRMATION_EXPIRE; ' +
            'an unknown, expired or used key is 404. For an e-mail change, the account switches to the new address now.',
          responses: { 200: Detail },
          errors: [404],
        }),
      },
    )
    .post(
      '/registration/resend-email',
      async ({ body, request }) => {
        await throttle.take('confirm_email', { ip: throttle.ipOf(request) })
        // Past the per-address limit: the same answer, no mail (a 429 would tell who has an account).
        if ((await throttle.count('confirm_email', { key: body.email })).allowed) await accounts.registration.resend(body.email, request.url, requestLang(request, config.languageCode))
        return { detail: 'ok' }
      },
      {
        body: ResendEmailBody,
        ...op({
          operationId: 'registration_resend_email_create',
          tags: ['registration'],
          summary: 'Resend the verification e-mail',
          description:
            'Always answers 200 `{"detail":"ok"}`, so it cannot be used to find out who has an account. ' +
            'A new key is mailed only when the address belongs to an unverified account (or is a pending new address), ' +
            'and at most as often as the `confirm_email` rate limit allows.',
          responses: { 200: Detail },
          errors: [429],
        }),
      },
    )
