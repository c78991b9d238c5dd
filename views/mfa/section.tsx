// The testing UI's MFA section (USE_MFA): the second login step, one's methods as GET mfa/ lists them,
// and a form per management call. Set-up answers (QR code, backup codes) are shown by mfa.js, once.
/** @jsxImportSource @kitajs/html */ // explicit: `bun src/main.ts` run from another directory ignores tsconfig's JSX settings
import { ApiForm, Field } from '../ui/form.tsx'

const A = '/api/auth/'

export interface MethodState {
  readonly name: string
  readonly is_primary: boolean
  readonly is_active: boolean
  readonly is_setup: boolean
  readonly backup_codes_remaining: number
}

const MethodSelect = ({ form, names, name = 'method', label = 'Method' }: { form: string; names: readonly string[]; name?: string; label?: string }) => (
  <div class="field">
    <label for={`${form}-${name}`} safe>
      {label}
    </label>
    <select id={`${form}-${name}`} name={name}>
      {names.map((n) => (
        <option value={n} safe>
          {n}
        </option>
      ))}
    </select>
  </div>
)

const yes = (b: boolean) => (b ? 'yes' : 'no')

/** The methods table; reloads itself after any API call that may have changed them. */
export const MfaMethods = ({ methods }: { readonly methods: readonly MethodState[] | null }) => (
  <div id="mfa-methods" hx-get="/api/auth/ui/mfa/methods/" hx-trigger="authkit:changed from:body" hx-swap="outerHTML">
    {methods ? (
      <table class="mfa-table">
        <caption>Your methods (GET mfa/)</caption>
        <thead>
          <tr>
            <th scope="col">Method</th>
            <th scope="col">Set up</th>
            <th scope="col">Active</th>
            <th scope="col">Primary</th>
            <th scope="col">Backup codes left</th>
          </tr>
        </thead>
        <tbody>
          {methods.map((m) => (
            <tr data-method={m.name}>
              <th scope="row" safe>
                {m.name}
              </th>
              <td>{yes(m.is_setup)}</td>
              <td>{yes(m.is_active)}</td>
              <td>{yes(m.is_primary)}</td>
              <td>{String(m.backup_codes_remaining)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    ) : (
      <p class="hint">Log in to see and manage your methods.</p>
    )}
  </div>
)

export interface MfaSectionProps {
  readonly names: readonly string[]
  readonly methods: readonly MethodState[] | null
  readonly scriptUrl: string
}

export const MfaSection = ({ names, methods, scriptUrl }: MfaSectionProps) => (
  <section id="sec-mfa" class="card" aria-labelledby="sec-mfa-title">
    <h2 id="sec-mfa-title">Multi-factor authentication</h2>

    <h3>Second login step</h3>
    <p id="mfa-step" class="hint" aria-live="polite">
      A login of a user with MFA answers an ephemeral token instead of a session; it is filled in here.
    </p>
    <div class="forms">
      <ApiForm id="mfa-verify" title="Enter the code" method="post" path={`${A}login/verify/`} submit="Verify and log in">
        <Field form="mfa-verify" name="ephemeral_token" label="Ephemeral token" />
        <Field form="mfa-verify" name="code" label="Code" autocomplete="one-time-code" hint="From the app, the e-mail, or a backup code." />
      </ApiForm>
      <ApiForm id="mfa-change-method" title="Use another method" method="post" path={`${A}login/change-method/`} submit="Switch method">
        <Field form="mfa-change-method" name="ephemeral_token" label="Ephemeral token" />
        <MethodSelect form="mfa-change-method" names={names} name="new_method" label="New method" />
      </ApiForm>
      <ApiForm id="mfa-resend" title="Send the code again" method="post" path={`${A}login/resend/`} submit="Resend">
        <Field form="mfa-resend" name="ephemeral_token" label="Ephemeral token" />
      </ApiForm>
    </div>

    <h3>Your methods</h3>
    <MfaMethods methods={methods} />
    <div id="mfa-setup" aria-live="polite"></div>
    <div class="forms">
      <ApiForm id="mfa-create" title="Set up a method" method="post" path={`${A}mfa/`} submit="Set up" hint="app: scan the QR code; email: a code is mailed.">
        <MethodSelect form="mfa-create" names={names} />
      </ApiForm>
      <ApiForm id="mfa-confirm" title="Confirm (activate)" method="post" path={`${A}mfa/confirm/`} submit="Activate">
        <MethodSelect form="mfa-confirm" names={names} />
        <Field form="mfa-confirm" name="code" label="Code" autocomplete="one-time-code" />
      </ApiForm>
      <ApiForm id="mfa-primary" title="Make primary" method="post" path={`${A}mfa/primary/`} submit="Make primary" omitEmpty>
        <MethodSelect form="mfa-primary" names={names} />
        <Field form="mfa-primary" name="primary_code" label="Code of the current primary (if required)" autocomplete="one-time-code" />
      </ApiForm>
      <ApiForm id="mfa-send" title="Send a code" method="post" path={`${A}mfa/send/`} submit="Send code">
        <MethodSelect form="mfa-send" names={names} />
      </ApiForm>
      <ApiForm id="mfa-deactivate" title="Deactivate" method="post" path={`${A}mfa/deactivate/`} submit="Deactivate">
        <MethodSelect form="mfa-deactivate" names={names} />
        <Field form="mfa-deactivate" name="code" label="Code" autocomplete="one-time-code" />
      </ApiForm>
      <ApiForm id="mfa-delete" title="Delete" method="post" path={`${A}mfa/delete/`} submit="Delete" omitEmpty>
        <MethodSelect form="mfa-delete" names={names} />
        <Field form="mfa-delete" name="code" label="Code (for an active method)" autocomplete="one-time-code" />
      </ApiForm>
      <ApiForm id="mfa-regenerate" title="New backup codes" method="post" path={`${A}mfa/backup-codes/regenerate/`} submit="Regenerate">
        <MethodSelect form="mfa-regenerate" names={names} />
        <Field form="mfa-regenerate" name="code" label="Current code" autocomplete="one-time-code" />
      </ApiForm>
    </div>
    <script src={scriptUrl} defer></script>
  </section>
)
