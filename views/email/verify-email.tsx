// The e-mail that carries a verification key: after registration, on resend, and for a new address.
/** @jsxImportSource @kitajs/html */ // explicit: `bun src/main.ts` run from another directory ignores tsconfig's JSX settings
import { t } from '../../src/i18n/translate.ts'
import { type RenderedMail, actionMail, validFor } from './layout.tsx'

export interface VerifyEmailProps {
  readonly siteName: string
  readonly username: string
  readonly email: string
  readonly link: string
  readonly expiresInSeconds: number
  /** True when the address is a new one for an existing account (an e-mail change). */
  readonly change: boolean
  /** The language of the request that caused the mail. */
  readonly lang?: string
}

export function verifyEmailMail(p: VerifyEmailProps): RenderedMail {
  const lang = p.lang ?? 'en'
  const vars = { site: p.siteName, username: p.username, email: p.email }
  return actionMail({
    lang,
    siteName: p.siteName,
    subject: t(lang, '[{site}] Please Confirm Your Email Address', vars),
    greeting: t(lang, 'Hello from {site}!', vars),
    intro: p.change
      ? t(lang, 'User {username} asked to change the e-mail address of their {site} account to {email}. The change takes effect once you confirm this address.', vars)
      : t(lang, 'You are receiving this e-mail because user {username} has given {email} as the e-mail address for their {site} account.', vars),
    action: t(lang, 'Confirm your e-mail address'),
    link: p.link,
    notes: [
      t(lang, 'This link works once and expires in {duration}.', { duration: validFor(lang, p.expiresInSeconds) }),
      t(lang, 'If you did not ask for this, you can ignore this e-mail; nothing changes.'),
    ],
  })
}
