// The page an e-mailed password reset link opens (no frontend configured): a form for the new password that
// POSTs uid and token back. Opening the page does not use the token.
/** @jsxImportSource @kitajs/html */ // explicit: `bun src/main.ts` run from another directory ignores tsconfig's JSX settings
import { t, translate } from '../../src/i18n/translate.ts'
import { FieldMessages, Page } from './layout.tsx'

export interface ResetPasswordPageProps {
  readonly siteName: string
  readonly uid: string
  readonly token: string
  /** Messages from a previous attempt, by field (`new_password1`, `new_password2`, `non_field_errors`). */
  readonly errors?: Readonly<Record<string, readonly string[]>>
  readonly lang?: string
}

export function ResetPasswordPage({ siteName, uid, token, errors = {}, lang = 'en' }: ResetPasswordPageProps): JSX.Element {
  const described = (field: string) => (errors[field]?.length ? `${field}-errors` : undefined)
  return (
    <Page siteName={siteName} lang={lang} title="Choose a new password">
      <FieldMessages id="non_field_errors-errors" messages={errors.non_field_errors?.map((m) => translate(lang, m))} />
      <form method="post">
        <input type="hidden" name="uid" value={uid} />
        <input type="hidden" name="token" value={token} />
        <label for="new_password1">{t(lang, 'New password')}</label>
        <input
          id="new_password1"
          name="new_password1"
          type="password"
          autocomplete="new-password"
          required
          aria-describedby={described('new_password1')}
        />
        <FieldMessages id="new_password1-errors" messages={errors.new_password1?.map((m) => translate(lang, m))} />
        <label for="new_password2">{t(lang, 'New password again')}</label>
        <input
          id="new_password2"
          name="new_password2"
          type="password"
          autocomplete="new-password"
          required
          aria-describedby={described('new_password2')}
        />
        <FieldMessages id="new_password2-errors" messages={errors.new_password2?.map((m) => translate(lang, m))} />
        <button type="submit">{t(lang, 'Set new password')}</button>
      </form>
    </Page>
  )
}

export function ResetPasswordDonePage({ siteName, lang = 'en' }: { siteName: string; lang?: string }): JSX.Element {
  return (
    <Page siteName={siteName} lang={lang} title="Password changed">
      <p class="done">{t(lang, 'Your password has been reset. You can close this page and log in with the new password.')}</p>
    </Page>
  )
}

export function ResetPasswordFailedPage({ siteName, lang = 'en' }: { siteName: string; lang?: string }): JSX.Element {
  return (
    <Page siteName={siteName} lang={lang} title="This link does not work">
      <p class="notice">
        {t(
          lang,
          'The password reset link is invalid, has expired, or was already used. Ask for a new password reset e-mail and use the newest link.',
        )}
      </p>
    </Page>
  )
}
