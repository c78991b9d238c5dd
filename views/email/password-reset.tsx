// The e-mail that carries a password reset token.
/** @jsxImportSource @kitajs/html */ // explicit: `bun src/main.ts` run from another directory ignores tsconfig's JSX settings
import { type RenderedMail, actionMail, humanDuration } from './layout.tsx'

export interface PasswordResetProps {
  readonly siteName: string
  readonly username: string
  readonly link: string
  readonly expiresInSeconds: number
}

export function passwordResetMail(p: PasswordResetProps): RenderedMail {
  return actionMail({
    siteName: p.siteName,
    subject: `[${p.siteName}] Password Reset Email`,
    greeting: `Hello from ${p.siteName}!`,
    intro: `You are receiving this e-mail because someone asked to reset the password of your ${p.siteName} account. If that was not you, ignore this e-mail: your password stays as it is.`,
    action: 'Choose a new password',
    link: p.link,
    notes: [
      `This link works once and expires in ${humanDuration(p.expiresInSeconds)}.`,
      `In case you forgot, your username is ${p.username}.`,
    ],
  })
}
