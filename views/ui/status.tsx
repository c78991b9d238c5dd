// The status bar: who is logged in (as the API itself answers GET user/), auth type and cookie mode.
// It re-renders itself whenever an API call changed something (the `authkit:changed` event).
/** @jsxImportSource @kitajs/html */ // explicit: `bun src/main.ts` run from another directory ignores tsconfig's JSX settings

export interface SessionUser {
  readonly pk: number
  readonly username: string
  readonly email: string
  readonly first_name: string
  readonly last_name: string
  readonly email_verified?: boolean
  readonly date_joined?: string
}

export interface StatusProps {
  readonly user: SessionUser | null
  readonly authType: 'jwt' | 'token'
  readonly cookieAuth: boolean
  /** Present once MFA exists: whether the current user has it on. */
  readonly mfa?: boolean
}

export const Status = ({ user, authType, cookieAuth, mfa }: StatusProps) => (
  <div id="status" hx-get="/api/auth/ui/status/" hx-trigger="authkit:changed from:body" hx-swap="outerHTML">
    <ul class="badges" aria-label="Session status">
      {user ? <li class="badge on">Authenticated</li> : <li class="badge off">Not authenticated</li>}
      {user ? (
        <li class="badge">
          User: <strong safe>{user.username}</strong>
        </li>
      ) : null}
      <li class="badge">Auth type: {authType === 'jwt' ? 'JWT' : 'TOKEN'}</li>
      <li class="badge">{cookieAuth ? 'Cookie auth enabled' : 'Header auth (cookies off)'}</li>
      {mfa === undefined ? null : <li class="badge">{mfa ? 'MFA enabled' : 'MFA off'}</li>}
    </ul>
  </div>
)
