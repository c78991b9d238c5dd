// The e-mail that carries a password reset token.
/** @jsxImportSource @kitajs/html */ // explicit: `bun src/main.ts` run from another directory ignores tsconfig's JSX settings
import { t } from '../../src/i18n/translate.ts'
import { type RenderedMail, actionMail, validFor } from './layout.tsx'

export interface PasswordResetProps {
  readonly siteName: string
  readonly username: string
  readonly link: string
  readonly expiresInSeconds: number
  /** The language of the request that caused the mail. */
  readonly lang?: string
}

export function passwordResetMail(p: PasswordResetProps): RenderedMail {
  const lang = p.lang ?? 'en'
  const vars = { site: p.siteName, username: p.username }
  return actionMail({
    lang,
    siteName: p.siteName,
    subject: t(lang, '[{site}] Password Reset Email', vars),
    greeting: t(lang, 'Hello from {site}!', vars),
    intro: t(
      lang,
      'You are receiving this e-mail because someone asked to reset the password of your {site} account. If that was not you, ignore this e-mail: your password stays as it is.',
      vars,
    ),
    action: t(lang, 'Choose a new password'),
    link: p.link,
    notes: [
      t(lang, 'This link works once and expires in {duration}.', { duration: validFor(lang, p.expiresInSeconds) }),
      t(lang, 'In case you forgot, your username is {username}.', vars),
    ],
  })
}
