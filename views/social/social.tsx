// The testing UI's social login panel: "Sign in with ..." (the browser flow) when signed out; the linked
// accounts with Disconnect, and "Connect ..." for the other providers, when signed in.
/** @jsxImportSource @kitajs/html */ // explicit: `bun src/main.ts` run from another directory ignores tsconfig's JSX settings
import { ApiForm } from '../ui/form.tsx'

export interface SocialPanelProps {
  readonly providers: readonly { readonly slug: string; readonly name: string }[]
  readonly signedIn: boolean
  /** The user's linked accounts, as GET social/accounts/ lists them. */
  readonly accounts: readonly { readonly id: number; readonly provider: string; readonly uid: string }[]
}

const UI = '/api/auth/ui/'
const authorize = (slug: string, connect: boolean) =>
  `/api/auth/social/${encodeURIComponent(slug)}/authorize/?${new URLSearchParams({ ...(connect && { process: 'connect' }), next: UI })}`

export const SocialPanel = ({ providers, signedIn, accounts }: SocialPanelProps) => (
  <section id="sec-social" class="card" aria-labelledby="sec-social-title" hx-get="/api/auth/ui/social/" hx-trigger="authkit:changed from:body" hx-swap="outerHTML">
    <h2 id="sec-social-title">Social login</h2>
    {!signedIn ? (
      <>
        <p class="hint">The browser flow: the provider's sign-in page, then back here signed in (GET social/&#123;slug&#125;/authorize/).</p>
        <ul class="social-buttons">
          {providers.map((p) => (
            <li>
              <a class="button" href={authorize(p.slug, false)} safe>{`Sign in with ${p.name}`}</a>
            </li>
          ))}
        </ul>
      </>
    ) : (
      <>
        <h3>Connected accounts</h3>
        {accounts.length === 0 ? (
          <p class="hint">None yet.</p>
        ) : (
          <div class="forms">
            {accounts.map((a) => (
              <ApiForm id={`social-${a.id}`} title={`${providers.find((p) => p.slug === a.provider)?.name ?? a.provider}: ${a.uid}`} method="delete" path={`/api/auth/social/accounts/${a.id}/`} submit="Disconnect" />
            ))}
          </div>
        )}
        <ul class="social-buttons">
          {providers
            .filter((p) => !accounts.some((a) => a.provider === p.slug))
            .map((p) => (
              <li>
                <a class="button secondary" href={authorize(p.slug, true)} safe>{`Connect ${p.name}`}</a>
              </li>
            ))}
        </ul>
      </>
    )}
  </section>
)
