// The page an e-mailed verification link opens (no frontend configured). Opening it changes nothing, so
// mail scanners that prefetch links cannot use the key; the button POSTs it to finish. The form has no
// `action`: it posts to the page's own URL, which also works behind a path prefix or with a trailing slash.
/** @jsxImportSource @kitajs/html */ // explicit: `bun src/main.ts` run from another directory ignores tsconfig's JSX settings
import { t } from '../../src/i18n/translate.ts'
import { Page } from './layout.tsx'

export function VerifyEmailPage({ siteName, keyValue, lang = 'en' }: { siteName: string; keyValue: string; lang?: string }): JSX.Element {
  return (
    <Page siteName={siteName} lang={lang} title="Confirm your e-mail address">
      <p>{t(lang, 'Press the button to confirm that this e-mail address is yours.')}</p>
      <form method="post">
        <input type="hidden" name="key" value={keyValue} />
        <button type="submit">{t(lang, 'Confirm e-mail address')}</button>
      </form>
    </Page>
  )
}

export function VerifyEmailDonePage({ siteName, lang = 'en' }: { siteName: string; lang?: string }): JSX.Element {
  return (
    <Page siteName={siteName} lang={lang} title="E-mail address confirmed">
      <p class="done">{t(lang, 'Thank you: your e-mail address is confirmed. You can close this page and log in.')}</p>
    </Page>
  )
}

export function VerifyEmailFailedPage({ siteName, lang = 'en' }: { siteName: string; lang?: string }): JSX.Element {
  return (
    <Page siteName={siteName} lang={lang} title="This link does not work">
      <p class="notice">
        {t(
          lang,
          'The confirmation link is invalid, has expired, or was already used. If your address is not confirmed yet, ask for a new e-mail and use the newest link.',
        )}
      </p>
    </Page>
  )
}
