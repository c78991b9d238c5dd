// The pages e-mailed links open when no FRONTEND_BASE_URL is set: GET shows a button or form and changes
// nothing (mail scanners prefetch links); the POST from that page finishes the verification or the reset.
import { Elysia } from 'elysia'
import { ResetPasswordDonePage, ResetPasswordFailedPage, ResetPasswordPage } from '../../views/pages/reset-password.tsx'
import { VerifyEmailDonePage, VerifyEmailFailedPage, VerifyEmailPage } from '../../views/pages/verify-email.tsx'
import { type Lang, requestLang } from '../i18n/negotiate.ts'
import { ApiError, FieldErrors } from '../lib/errors.ts'
import type { Accounts } from './accounts.ts'
import { PAGE_PATHS } from './links.ts'

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  // The URL holds a key or token: keep it out of caches, referrers and other sites' frames.
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
}

async function page(body: JSX.Element, lang: Lang, status = 200): Promise<Response> {
  return new Response(await body, { status, headers: { ...PAGE_HEADERS, 'content-language': lang } })
}

/** A form field as a string ('' when absent or not text). */
const field = (body: unknown, name: string): string => {
  const v = (body as Record<string, unknown> | null)?.[name]
  return typeof v === 'string' ? v : ''
}

const noDocs = { detail: { hide: true } }

export const pagesRoutes = (accounts: Accounts, siteName: string, languageCode?: Lang) =>
  new Elysia({ name: 'accounts-pages' })
    .get(
      PAGE_PATHS.verifyEmail,
      ({ query, request }) => {
        const lang = requestLang(request, languageCode)
        const key = typeof query.key === 'string' ? query.key : ''
        if (!key) return page(VerifyEmailFailedPage({ siteName, lang }), lang, 400)
        return page(VerifyEmailPage({ siteName, keyValue: key, lang }), lang)
      },
      noDocs,
    )
    .post(
      PAGE_PATHS.verifyEmail,
      async ({ body, request }) => {
        const lang = requestLang(request, languageCode)
        try {
          await accounts.verification.verify(field(body, 'key'))
          return page(VerifyEmailDonePage({ siteName, lang }), lang)
        } catch (e) {
          if (e instanceof ApiError && e.status === 404) return page(VerifyEmailFailedPage({ siteName, lang }), lang, 404)
          throw e
        }
      },
      noDocs,
    )
    .get(
      PAGE_PATHS.resetPassword,
      async ({ query, request }) => {
        const lang = requestLang(request, languageCode)
        const uid = typeof query.uid === 'string' ? query.uid : ''
        const token = typeof query.token === 'string' ? query.token : ''
        if (!(await accounts.passwordReset.check(uid, token))) return page(ResetPasswordFailedPage({ siteName, lang }), lang, 400)
        return page(ResetPasswordPage({ siteName, uid, token, lang }), lang)
      },
      noDocs,
    )
    .post(
      PAGE_PATHS.resetPassword,
      async ({ body, request }) => {
        const lang = requestLang(request, languageCode)
        const input = {
          uid: field(body, 'uid'),
          token: field(body, 'token'),
          new_password1: field(body, 'new_password1'),
          new_password2: field(body, 'new_password2'),
        }
        try {
          if (!input.new_password1 || !input.new_password2) {
            const required = ['This field is required.']
            throw new FieldErrors({
              ...(input.new_password1 ? {} : { new_password1: required }),
              ...(input.new_password2 ? {} : { new_password2: required }),
            })
          }
          await accounts.passwordReset.confirm(input)
          return page(ResetPasswordDonePage({ siteName, lang }), lang)
        } catch (e) {
          if (!(e instanceof FieldErrors)) throw e
          if (e.fields.uid || e.fields.token) return page(ResetPasswordFailedPage({ siteName, lang }), lang, 400)
          return page(ResetPasswordPage({ siteName, uid: input.uid, token: input.token, errors: e.fields, lang }), lang, 400)
        }
      },
      noDocs,
    )
