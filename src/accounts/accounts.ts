// The accounts feature as one object: registration, e-mail verification, profile and password flows,
// built from plain dependencies so tests can hand in their own clock and database.
import type { Config } from '../config/settings.ts'
import type { Database } from '../db/engine.ts'
import type { Clock } from '../lib/clock.ts'
import { createEmailVerification } from './email-verification.ts'
import { createLoginLinks } from './login-links.ts'
import { createPasswordChange } from './password-change.ts'
import { createPasswordReset } from './password-reset.ts'
import { createProfile } from './profile.ts'
import { createRegistration } from './registration.ts'

export interface AccountsDeps {
  readonly config: Config
  readonly db: Database
  readonly clock: Clock
}

export function createAccounts(deps: AccountsDeps) {
  const verification = createEmailVerification(deps)
  return {
    verification,
    registration: createRegistration(deps, verification),
    profile: createProfile(deps, verification),
    passwordChange: createPasswordChange(deps),
    passwordReset: createPasswordReset(deps),
    loginLinks: createLoginLinks(deps),
  }
}

export type Accounts = ReturnType<typeof createAccounts>
