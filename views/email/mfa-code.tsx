// The e-mail that carries an MFA code (method `email`): at login, on resend, on mfa/send/ and at set-up.
/** @jsxImportSource @kitajs/html */ // explicit: `bun src/main.ts` run from another directory ignores tsconfig's JSX settings
import { type RenderedMail, humanDuration, mailPage } from './layout.tsx'

export interface MfaCodeProps {
  readonly siteName: string
  readonly code: string
  readonly expiresInSeconds: number
}

// DRF Auth Kit's subject, so filters people set up for it keep working.
const SUBJECT = 'Your verification code'

export function mfaCodeMail(p: MfaCodeProps): RenderedMail {
  const valid = `It is valid for ${humanDuration(p.expiresInSeconds)} and works once.`
  const ignore = 'If you did not try to sign in, someone may know your password: change it.'
  const html = mailPage(
    { subject: SUBJECT, siteName: p.siteName },
    <>
      <p safe>{`Your ${p.siteName} verification code:`}</p>
      <p style="font-size:32px;letter-spacing:6px;font-family:monospace;margin:24px 0" safe>
        {p.code}
      </p>
      <p style="font-size:13px;color:#52525b" safe>
        {valid}
      </p>
      <p style="font-size:13px;color:#52525b" safe>
        {ignore}
      </p>
    </>,
  )
  return { subject: SUBJECT, text: [`Your ${p.siteName} verification code: ${p.code}`, '', valid, ignore, ''].join('\n'), html }
}
