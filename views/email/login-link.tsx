// The e-mail that carries a sign-in link (USE_EMAIL_LINK_LOGIN).
/** @jsxImportSource @kitajs/html */ // explicit: `bun src/main.ts` run from another directory ignores tsconfig's JSX settings
import { type RenderedMail, actionMail, humanDuration } from './layout.tsx'

export interface LoginLinkProps {
  readonly siteName: string
  readonly username: string
  readonly link: string
  readonly expiresInSeconds: number
}

export function loginLinkMail(p: LoginLinkProps): RenderedMail {
  return actionMail({
    siteName: p.siteName,
    subject: `[${p.siteName}] Your sign-in link`,
    greeting: `Hello from ${p.siteName}!`,
    intro: `Someone asked to sign in to your ${p.siteName} account with a link sent to this address. If that was not you, ignore this e-mail: nobody can sign in without it.`,
    action: 'Sign in',
    link: p.link,
    notes: [`This link works once and expires in ${humanDuration(p.expiresInSeconds)}.`, `Your username is ${p.username}.`],
  })
}
