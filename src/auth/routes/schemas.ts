// Request and response schemas of the authentication routes (validation and the OpenAPI document).
import { UserSchema } from '../../users/user.ts'
import type { Config } from '../../config/settings.ts'
import { optionalString, password, requiredString, z } from '../../http/fields.ts'

const EMAIL_MESSAGE = 'Enter a valid email address.'
const isEmail = (v: string) => z.email().safeParse(v).success

/** The login body for ACCOUNT_LOGIN_METHODS: `username`, `email`, or either of them. */
export function loginBody(methods: readonly string[]) {
  const byUsername = methods.includes('username')
  const byEmail = methods.includes('email')
  if (byUsername && !byEmail) {
    return z.object({ username: requiredString(254), password: password() }).meta({ id: 'LoginRequest' })
  }
  if (byEmail && !byUsername) {
    return z
      .object({ email: requiredString(254).refine(isEmail, EMAIL_MESSAGE), password: password() })
      .meta({ id: 'LoginRequest' })
  }
  return z
    .object({
      username: optionalString(254).describe('Username, or an e-mail address.'),
      email: optionalString(254).refine((v) => !v || isEmail(v), EMAIL_MESSAGE),
      password: password(),
    })
    .refine((b) => Boolean(b.username || b.email), { message: 'Must include either "username" or "email" and "password".' })
    .meta({ id: 'LoginRequest' })
}

const expiration = z.string().meta({ format: 'date-time' }).describe('ISO-8601 UTC time at which the token expires.')

export const JwtLoginResponse = z
  .object({
    access_token: z.string(),
    refresh_token: z.string().describe('"" when the refresh token is set as an HttpOnly cookie.'),
    access_expiration: expiration,
    refresh_expiration: expiration,
    user: UserSchema,
  })
  .meta({ id: 'JWTLoginResponse' })

export const TokenLoginResponse = z.object({ key: z.string(), user: UserSchema }).meta({ id: 'TokenLoginResponse' })

export const loginResponse = (authType: Config['authType']) => (authType === 'jwt' ? JwtLoginResponse : TokenLoginResponse)

export const MfaFirstStepResponse = z
  .object({
    ephemeral_token: z.string().describe('For login/verify/, login/change-method/ and login/resend/: single-use, expires after MFA_EPHEMERAL_TOKEN_EXPIRY.'),
    method: z.string().describe('The method whose code login/verify/ expects.'),
    mfa_enabled: z.literal(true),
  })
  .meta({ id: 'MFAFirstStepResponse' })

/** login/ with USE_MFA: the MFA first step, or the login answer with `mfa_enabled: false`. */
export const mfaLoginResponse = (authType: Config['authType']) =>
  z
    .union([
      MfaFirstStepResponse,
      (authType === 'jwt' ? JwtLoginResponse : TokenLoginResponse)
        .extend({ mfa_enabled: z.literal(false) })
        .meta({ id: authType === 'jwt' ? 'NoMFAJWTLoginResponse' : 'NoMFATokenLoginResponse' }),
    ])
    .meta({ id: 'FirstStepResponse' })

/** What a sign-in route that goes through beginSignIn answers: the MFA first step is possible only with USE_MFA. */
export const signInResponse = (config: Pick<Config, 'useMfa' | 'authType'>) =>
  config.useMfa ? mfaLoginResponse(config.authType) : loginResponse(config.authType)

export const LogoutBody = z
  .object({ refresh: optionalString(4096).describe('JWT header mode: the refresh token to revoke as well.') })
  .meta({ id: 'LogoutRequest' })

export const RefreshBody = z
  .object({ refresh: optionalString(4096).describe('The refresh token; when absent, the refresh cookie is used.') })
  .meta({ id: 'TokenRefreshRequest' })

export const RefreshResponse = z
  .object({
    access_token: z.string(),
    access_expiration: expiration,
    refresh_token: z.string().describe('"" when the refresh token is set as an HttpOnly cookie.'),
    refresh_expiration: expiration,
  })
  .meta({ id: 'TokenRefreshResponse' })

export const VerifyBody = z.object({ token: requiredString(4096) }).meta({ id: 'TokenVerifyRequest' })

export const VerifyResponse = z.object({}).meta({ id: 'TokenVerifyResponse' })

export const CsrfResponse = z.object({ csrftoken: z.string() }).meta({ id: 'CsrfTokenResponse' })

export const JwksResponse = z
  .object({ keys: z.array(z.record(z.string(), z.unknown())) })
  .meta({ id: 'JSONWebKeySet', description: 'Public signing keys (RFC 7517), each with `kid`, `alg` and `use`.' })
