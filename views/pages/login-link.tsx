// The page an e-mailed sign-in link opens (no frontend configured): one button that POSTs the token back.
// Opening the page does not use the token (mail scanners prefetch links).
/** @jsxImportSource @kitajs/html */ // explicit: `bun src/main.ts` run from another directory ignores tsconfig's JSX settings
import { Page } from './layout.tsx'

export function LoginLinkPage({ siteName, token, lang }: { siteName: string; token: string; lang?: string }): JSX.Element {
  return (
    <Page siteName={siteName} title="Sign in" lang={lang} referrer="same-origin">
      <p>Press the button to sign in on this device.</p>
      <form method="post">
        <input type="hidden" name="token" value={token} />
        <button type="submit">Sign in</button>
      </form>
    </Page>
  )
}

export function LoginLinkDonePage({ siteName, lang }: { siteName: string; lang?: string }): JSX.Element {
  return (
    <Page siteName={siteName} title="Signed in" lang={lang}>
      <p class="done">You are signed in. You can close this page.</p>
    </Page>
  )
}

export function LoginLinkFailedPage({ siteName, lang }: { siteName: string; lang?: string }): JSX.Element {
  return (
    <Page siteName={siteName} title="This link does not work" lang={lang}>
      <p class="notice">The sign-in link is invalid, has expired, or was already used. Ask for a new one and use the newest link.</p>
    </Page>
  )
}
