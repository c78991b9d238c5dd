// Request and response bodies of the accounts routes, built from src/http/fields.ts so validation
// messages read like DRF's; the OpenAPI document is generated from these same schemas.
import { Detail } from '../http/openapi.ts'
import { displayName, email, password, requiredString, z } from '../http/fields.ts'
import { USERNAME_MAX, USERNAME_MESSAGE, USERNAME_PATTERN } from './identity-rules.ts'
import { UserSchema } from '../users/user.ts'

const username = () => requiredString(USERNAME_MAX).regex(USERNAME_PATTERN, USERNAME_MESSAGE)
const name = () => displayName(150)

export const RegisterBody = z
  .object({
    username: username(),
    email: email(),
    password1: password(),
    password2: password(),
    first_name: name(),
    last_name: name(),
  })
  .meta({ id: 'Register' })

export const RegisterResponse = z.object({ detail: z.string(), user: UserSchema }).meta({ id: 'RegisterResponse' })

export const VerifyEmailBody = z.object({ key: requiredString(512) }).meta({ id: 'VerifyEmail' })

export const ResendEmailBody = z.object({ email: email() }).meta({ id: 'ResendEmailVerification' })

/** PUT user/: username required, the rest optional (an omitted field keeps its value). */
export const UserUpdateBody = z
  .object({ username: username(), email: email().optional(), first_name: name(), last_name: name() })
  .meta({ id: 'UserDetails' })

/** PATCH user/: any subset. */
export const UserPatchBody = z
  .object({ username: username().optional(), email: email().optional(), first_name: name(), last_name: name() })
  .meta({ id: 'PatchedUserDetails' })

/** POST password/change/ with OLD_PASSWORD_FIELD_ENABLED (the default)... */
const PasswordChangeBody = z
  .object({ old_password: password(), new_password1: password(), new_password2: password() })
  .meta({ id: 'PasswordChange' })
/** ...and without it. */
const PasswordChangeNoOldBody = z
  .object({ new_password1: password(), new_password2: password() })
  .meta({ id: 'PasswordChangeWithoutOldPassword' })

export const passwordChangeBody = (oldPasswordFieldEnabled: boolean) =>
  oldPasswordFieldEnabled ? PasswordChangeBody : PasswordChangeNoOldBody

export const PasswordResetBody = z.object({ email: email() }).meta({ id: 'PasswordReset' })

export const PasswordResetConfirmBody = z
  .object({ uid: requiredString(64), token: requiredString(512), new_password1: password(), new_password2: password() })
  .meta({ id: 'PasswordResetConfirm' })

export { Detail, UserSchema }
