// The testing UI's passwordless page: add a passkey, the passkey list (rename, delete), sign in with a
// passkey, and ask for an e-mailed sign-in link. Passkey buttons run passkeys.js (navigator.credentials).
/** @jsxImportSource @kitajs/html */ // explicit: `bun src/main.ts` run from another directory ignores tsconfig's JSX settings
import { ApiForm, Field } from '../ui/form.tsx'
import { type AssetUrls, Layout } from '../ui/layout.tsx'
import { Header } from '../ui/page.tsx'
import type { StatusProps } from '../ui/status.tsx'
import { ResponseViewer } from '../ui/viewer.tsx'

const A = '/api/auth/'
const LIST = '/api/auth/ui/passwordless/list/'

export interface PasskeyItem {
  readonly id: number
  readonly name: string
  readonly created_at: string
  readonly last_used_at: string | null
}

export interface PasswordlessPageProps {
  readonly siteName: string
  readonly assets: AssetUrls
  /** passkeys.js and the @simplewebauthn/browser bundle it calls. */
  readonly scripts: readonly string[]
  readonly status: StatusProps
  readonly passkeys: boolean
  readonly emailLinks: boolean
  readonly list: readonly PasskeyItem[] | null
}

/** The signed-in user's passkeys, each with rename and delete forms; reloads whenever an API call changed something. */
export const PasskeyList = ({ list }: { readonly list: readonly PasskeyItem[] | null }) => (
  <div id="passkey-list" hx-get={LIST} hx-trigger="authkit:changed from:body" hx-swap="outerHTML">
    {list === null ? (
      <p class="hint">Log in to see your passkeys.</p>
    ) : list.length === 0 ? (
      <p class="hint">No passkeys yet.</p>
    ) : (
      <ul class="passkeys">
        {list.map((p) => (
          <li class="passkey" data-passkey-id={String(p.id)}>
            <strong safe>{p.name}</strong>{' '}
            <small safe>{`added ${p.created_at}; last used ${p.last_used_at ?? 'never'}`}</small>
            <form class="inline" hx-patch={`${A}passkeys/${p.id}/`} hx-swap="none">
              <label for={`passkey-${p.id}-name`}>New name</label>
              <input id={`passkey-${p.id}-name`} name="name" value={p.name} />
              <button type="submit">Rename</button>
            </form>
            <form class="inline" hx-delete={`${A}passkeys/${p.id}/`} hx-swap="none">
              <button type="submit" class="secondary">
                Delete
              </button>
            </form>
          </li>
        ))}
      </ul>
    )}
  </div>
)

export const PasswordlessPage = (p: PasswordlessPageProps) => (
  <Layout title={`${p.siteName} testing UI: passwordless`} assets={p.assets} headerAuth={!p.status.cookieAuth}>
    {p.scripts.map((src) => (
      <script src={src} defer></script>
    ))}
    <Header siteName={p.siteName} status={p.status} />
    <div class="layout">
      <main id="main">
        {p.passkeys ? (
          <section id="sec-passkeys" class="card" aria-labelledby="sec-passkeys-title">
            <h2 id="sec-passkeys-title">Passkeys</h2>
            <div class="forms">
              <form id="passkey-add" class="api-form" data-passkey="register" aria-labelledby="passkey-add-title">
                <h3 id="passkey-add-title">Add a passkey</h3>
                <p class="route">
                  <code>POST {A}passkeys/register/options/ then POST {A}passkeys/register/</code>
                </p>
                <Field form="passkey-add" name="name" label="Name" value="My passkey" />
                <button type="submit">Add a passkey</button>
              </form>
              <form id="passkey-login" class="api-form" data-passkey="login" aria-labelledby="passkey-login-title">
                <h3 id="passkey-login-title">Sign in with a passkey</h3>
                <p class="route">
                  <code>POST {A}passkeys/login/options/ then POST {A}passkeys/login/</code>
                </p>
                <p class="hint">No username: the browser offers the passkeys it holds for this site.</p>
                <button type="submit">Sign in with a passkey</button>
              </form>
            </div>
            <h3>Your passkeys</h3>
            <PasskeyList list={p.list} />
          </section>
        ) : null}
        {p.emailLinks ? (
          <section id="sec-email-link" class="card" aria-labelledby="sec-email-link-title">
            <h2 id="sec-email-link-title">Sign-in links</h2>
            <div class="forms">
              <ApiForm id="email-link" title="E-mail me a link" method="post" path={`${A}login/email-link/`} submit="E-mail me a link" hint="The link arrives in the mailbox on the main page.">
                <Field form="email-link" name="email" label="E-mail" type="email" autocomplete="email" />
              </ApiForm>
            </div>
          </section>
        ) : null}
        <section id="sec-logout" class="card" aria-labelledby="sec-logout-title">
          <h2 id="sec-logout-title">Log out</h2>
          <ApiForm id="logout" title="Log out" method="post" path={`${A}logout/`} submit="Log out" />
        </section>
      </main>
      <aside class="side" aria-label="Responses">
        <ResponseViewer />
      </aside>
    </div>
  </Layout>
)
