// The authentication failures of API.md §1/§4 as domain errors (401 with WWW-Authenticate, 403 CSRF).
import { ErrorCode } from '../lib/error-codes.ts'
import { ApiError } from '../lib/errors.ts'
import { TokenRejected } from './jwt.ts'

/** RFC 6750 challenge; `error="invalid_token"` tells clients that refreshing (not retrying) is the fix. */
const challenge = (invalid: boolean) => ({
  'www-authenticate': invalid ? 'Bearer realm="api", error="invalid_token"' : 'Bearer realm="api"',
})

/** An invalid, expired or revoked credential. */
export const tokenNotValid = (detail = 'Given token not valid for any token type') =>
  new ApiError(401, detail, ErrorCode.token_not_valid, challenge(true))

/**
 * The claims `verifying` resolves to; a token it rejects becomes 401 token_not_valid, saying why (expired,
 * invalid) when `withReason`, else with the generic detail. Other errors pass through.
 */
export async function verifiedOr401<T>(verifying: Promise<T>, opts: { withReason: boolean }): Promise<T> {
  try {
    return await verifying
  } catch (e) {
    if (e instanceof TokenRejected) throw opts.withReason ? tokenNotValid(e.message) : tokenNotValid()
    throw e
  }
}

export const badAuthorizationHeader = (detail: string) =>
  new ApiError(401, detail, ErrorCode.bad_authorization_header, challenge(false))

export const csrfFailed = (reason: string) => new ApiError(403, `CSRF Failed: ${reason}`, ErrorCode.csrf_failed)
