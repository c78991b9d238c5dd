// The testing UI's main page: every account and authentication flow as a form against the real API,
// next to the live response viewer and the mailbox.
/** @jsxImportSource @kitajs/html */ // explicit: `bun src/main.ts` run from another directory ignores tsconfig's JSX settings
import { ui } from '../../src/i18n/translate.ts'
import { ApiForm, Field } from './form.tsx'
import { type AssetUrls, Layout } from './layout.tsx'
import { MailList, type MailSummary } from './mailbox.tsx'
import { Profile } from './profile.tsx'
import { Status, type StatusProps } from './status.tsx'
import { ResponseViewer } from './viewer.tsx'

export interface UiPageProps {
  readonly siteName: string
  readonly assets: AssetUrls
  readonly status: StatusProps
  readonly loginMethods: readonly string[]
  readonly oldPasswordField: boolean
  readonly mails: readonly MailSummary[]
  /** Rendered sections of features (social login, ...), shown after login. */
  readonly sections?: readonly string[]
}

const A = '/api/auth/'

export const Header = ({ siteName, status }: { readonly siteName: string; readonly status: StatusProps }) => (
  <header class="top">
    <h1 safe>{ui('{site}: testing UI', { site: siteName })}</h1>
    <nav aria-label="Sections and tools">
      <a href="/api/auth/ui/#sec-account">{ui('Register')}</a>
      <a href="/api/auth/ui/#sec-login">{ui('Log in')}</a>
      <a href="/api/auth/ui/#profile">{ui('Profile')}</a>
      <a href="/api/auth/ui/#sec-password">{ui('Password')}</a>
      <a href="/api/auth/ui/#responses-title">{ui('Responses')}</a>
      <a href="/api/auth/ui/#mailbox">{ui('Mailbox')}</a>
      <a href="/api/docs/">API docs</a>
      <a href="/api/auth/user/">Browsable API</a>
    </nav>
    <Status {...status} />
  </header>
)

const LoginForms = ({ methods }: { readonly methods: readonly string[] }) => (
  <>
    {methods.includes('username') && (
      <ApiForm id="login-username" title="Log in with username" method="post" path={`${A}login/`} submit="Log in">
        <Field form="login-username" name="username" label="Username" autocomplete="username" />
        <Field form="login-username" name="password" label="Password" type="password" autocomplete="current-password" />
      </ApiForm>
    )}
    {methods.includes('email') && (
      <ApiForm id="login-email" title="Log in with e-mail" method="post" path={`${A}login/`} submit="Log in">
        <Field form="login-email" name="email" label="E-mail" type="email" autocomplete="email" />
        <Field form="login-email" name="password" label="Password" type="password" autocomplete="current-password" />
      </ApiForm>
    )}
  </>
)

export const UiPage = (p: UiPageProps) => (
  <Layout title={`${p.siteName} testing UI`} assets={p.assets} headerAuth={!p.status.cookieAuth}>
    <Header siteName={p.siteName} status={p.status} />
    <div class="layout">
      <main id="main">
        <section id="sec-account" class="card" aria-labelledby="sec-account-title">
          <h2 id="sec-account-title">{ui('Register and verify')}</h2>
          <div class="forms">
            <ApiForm id="register" title="Register" method="post" path={`${A}registration/`} submit="Register" omitEmpty>
              <Field form="register" name="username" label="Username" autocomplete="username" />
              <Field form="register" name="email" label="E-mail" type="email" autocomplete="email" />
              <Field form="register" name="password1" label="Password" type="password" autocomplete="new-password" />
              <Field form="register" name="password2" label="Password again" type="password" autocomplete="new-password" />
              <Field form="register" name="first_name" label="First name (optional)" autocomplete="given-name" />
              <Field form="register" name="last_name" label="Last name (optional)" autocomplete="family-name" />
            </ApiForm>
            <ApiForm
              id="verify-email"
              title="Verify e-mail"
              method="post"
              path={`${A}registration/verify-email/`}
              submit="Verify"
              hint="The key is in the verification mail; the mailbox fills it in."
            >
              <Field form="verify-email" name="key" label="Key" />
            </ApiForm>
            <ApiForm id="resend-email" title="Resend verification" method="post" path={`${A}registration/resend-email/`} submit="Resend">
              <Field form="resend-email" name="email" label="E-mail" type="email" autocomplete="email" />
            </ApiForm>
          </div>
        </section>

        <section id="mailbox" class="card" aria-labelledby="mailbox-title">
          <h2 id="mailbox-title">{ui('Mailbox')}</h2>
          <p class="hint">The outbox: every mail authkit queued, newest first.</p>
          <p>
            <button type="button" class="secondary" hx-get="/api/auth/ui/mailbox/" hx-target="#mail-list" hx-swap="outerHTML">
              {ui('Refresh')}
            </button>
          </p>
          <div class="mailbox-body">
            <MailList mails={p.mails} />
            <div id="mail-view" aria-live="polite"></div>
          </div>
        </section>

        <section id="sec-login" class="card" aria-labelledby="sec-login-title">
          <h2 id="sec-login-title">{ui('Log in and out')}</h2>
          <div class="forms">
            <LoginForms methods={p.loginMethods} />
            <ApiForm id="logout" title="Log out" method="post" path={`${A}logout/`} submit="Log out" hint="Revokes this session on the server and clears the cookies." />
            <ApiForm id="csrf" title="CSRF cookie" method="get" path={`${A}csrf/`} submit="Get csrftoken" hint="Sets the csrftoken cookie this page sends back as X-CSRFToken." />
          </div>
        </section>

        {[...(p.sections ?? [])]}

        <Profile user={p.status.user} />

        <section id="sec-password" class="card" aria-labelledby="sec-password-title">
          <h2 id="sec-password-title">{ui('Password')}</h2>
          <div class="forms">
            <ApiForm id="password-change" title="Change password" method="post" path={`${A}password/change/`} submit="Change password">
              {p.oldPasswordField && (
                <Field form="password-change" name="old_password" label="Current password" type="password" autocomplete="current-password" />
              )}
              <Field form="password-change" name="new_password1" label="New password" type="password" autocomplete="new-password" />
              <Field form="password-change" name="new_password2" label="New password again" type="password" autocomplete="new-password" />
            </ApiForm>
            <ApiForm id="password-reset" title="Reset password" method="post" path={`${A}password/reset/`} submit="Send reset mail">
              <Field form="password-reset" name="email" label="E-mail" type="email" autocomplete="email" />
            </ApiForm>
            <ApiForm
              id="reset-confirm"
              title="Confirm reset"
              method="post"
              path={`${A}password/reset/confirm/`}
              submit="Set new password"
              hint="uid and token come from the reset mail; the mailbox fills them in."
            >
              <Field form="reset-confirm" name="uid" label="uid" />
              <Field form="reset-confirm" name="token" label="Token" />
              <Field form="reset-confirm" name="new_password1" label="New password" type="password" autocomplete="new-password" />
              <Field form="reset-confirm" name="new_password2" label="New password again" type="password" autocomplete="new-password" />
            </ApiForm>
          </div>
        </section>

        {p.status.authType === 'jwt' && (
          <section id="sec-tokens" class="card" aria-labelledby="sec-tokens-title">
            <h2 id="sec-tokens-title">{ui('Tokens')}</h2>
            <div class="forms">
              <ApiForm
                id="token-refresh"
                title="Refresh"
                method="post"
                path={`${A}token/refresh/`}
                submit="Refresh"
                omitEmpty
                hint="Leave blank to use the refresh cookie."
              >
                <Field form="token-refresh" name="refresh" label="Refresh token (optional)" />
              </ApiForm>
              <ApiForm
                id="token-verify"
                title="Verify a token"
                method="post"
                path={`${A}token/verify/`}
                submit="Verify"
                hint="Filled with the access token of the last login or refresh."
              >
                <Field form="token-verify" name="token" label="Token" />
              </ApiForm>
            </div>
          </section>
        )}
      </main>

      <aside class="side" aria-label="Responses">
        <ResponseViewer />
      </aside>
    </div>
  </Layout>
)
