// The e-mail that carries a verification key: after registration, on resend, and for a new address.
/** @jsxImportSource @kitajs/html */ // explicit: `bun src/main.ts` run from another directory ignores tsconfig's JSX settings
import { type RenderedMail, actionMail, humanDuration } from './layout.tsx'

export interface VerifyEmailProps {
  readonly siteName: string
  readonly username: string
  readonly email: string
  readonly link: string
  readonly expiresInSeconds: number
  /** True when the address is a new one for an existing account (an e-mail change). */
  readonly change: boolean
}

export function verifyEmailMail(p: VerifyEmailProps): RenderedMail {
  return actionMail({
    siteName: p.siteName,
    subject: `[${p.siteName}] Please Confirm Your Email Address`,
    greeting: `Hello from ${p.siteName}!`,
    intro: p.change
      ? `User ${p.username} asked to change the e-mail address of their ${p.siteName} account to ${p.email}. The change takes effect once you confirm this address.`
      : `You are receiving this e-mail because user ${p.username} has given ${p.email} as the e-mail address for their ${p.siteName} account.`,
    action: 'Confirm your e-mail address',
    link: p.link,
    notes: [
      `This link works once and expires in ${humanDuration(p.expiresInSeconds)}.`,
      'If you did not ask for this, you can ignore this e-mail; nothing changes.',
    ],
  })
}
