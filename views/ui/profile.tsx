// The profile panel: the user as GET user/ returns it, a button to make that call, and the update form
// (PUT with every field, or PATCH). It re-renders after any API call that changed something.
/** @jsxImportSource @kitajs/html */ // explicit: `bun src/main.ts` run from another directory ignores tsconfig's JSX settings
import { ui } from '../../src/i18n/translate.ts'
import { Time } from './time.tsx'
import { ApiForm, Field } from './form.tsx'
import type { SessionUser } from './status.tsx'

const USER_PATH = '/api/auth/user/'

export const Profile = ({ user }: { readonly user: SessionUser | null }) => (
  <section
    id="profile"
    class="card"
    aria-labelledby="profile-title"
    hx-get="/api/auth/ui/profile/"
    hx-trigger="authkit:changed from:body"
    hx-swap="outerHTML"
  >
    <h2 id="profile-title">{ui('Profile')}</h2>
    {user ? (
      <dl class="props" aria-label="Current user">
        <dt>pk</dt>
        <dd safe>{String(user.pk)}</dd>
        <dt>Username</dt>
        <dd safe>{user.username}</dd>
        <dt>E-mail</dt>
        <dd safe>{user.email}</dd>
        <dt>Name</dt>
        <dd safe>{`${user.first_name} ${user.last_name}`.trim() || '—'}</dd>
        {user.email_verified !== undefined && (
          <>
            <dt>Verified</dt>
            <dd>{user.email_verified ? 'yes' : 'no'}</dd>
          </>
        )}
        {user.date_joined !== undefined && (
          <>
            <dt>Joined</dt>
            <dd>
              <Time iso={user.date_joined} />
            </dd>
          </>
        )}
      </dl>
    ) : (
      <p class="hint">Not logged in: GET user/ answers 401 until you log in.</p>
    )}
    <p>
      <button type="button" class="secondary" hx-get={USER_PATH} hx-swap="none">
        GET {USER_PATH}
      </button>
    </p>
    <div class="forms">
      <ApiForm
        id="profile-update"
        title="Update profile"
        method="put"
        path={USER_PATH}
        hint="A new e-mail is kept pending until its verification mail is confirmed (unless verification is off)."
      >
        <Field form="profile-update" name="username" label="Username" value={user?.username ?? ''} autocomplete="username" />
        <Field form="profile-update" name="email" label="E-mail" type="email" value={user?.email ?? ''} autocomplete="email" />
        <Field form="profile-update" name="first_name" label="First name" value={user?.first_name ?? ''} autocomplete="given-name" />
        <Field form="profile-update" name="last_name" label="Last name" value={user?.last_name ?? ''} autocomplete="family-name" />
        <button type="submit">Save (PUT)</button>
        <button type="button" class="secondary" hx-patch={USER_PATH} hx-swap="none" hx-include="#profile-update">
          Save (PATCH)
        </button>
      </ApiForm>
    </div>
  </section>
)
