// The machine error codes of the contract: the `code` of every `{"detail", "code"}` answer, in one table.
// Each key is the code as clients see it, so a search for a code finds where it is answered.
export const ErrorCode = {
  /** 400: a request body (JSON, form, multipart) or a request that could not be parsed. */
  parse_error: 'parse_error',
  /** 400: a cookie that could not be decoded. */
  bad_cookie: 'bad_cookie',
  /** 400: a `Host` outside ALLOWED_HOSTS, refused before any route runs. */
  bad_host: 'bad_host',
  /** 401: no credentials were sent. */
  not_authenticated: 'not_authenticated',
  /** 401: an Authorization header of our scheme with no credentials, or with spaces in them. */
  bad_authorization_header: 'bad_authorization_header',
  /** 401: an invalid, expired or revoked token (access, refresh or key). */
  token_not_valid: 'token_not_valid',
  /** 403: authenticated, but not allowed to do this. */
  permission_denied: 'permission_denied',
  /** 403: a cookie-authenticated write without a matching CSRF token or from a foreign origin, or login CSRF. */
  csrf_failed: 'csrf_failed',
  /** 403: a browser social login for a user with MFA, who must sign in through the API flow or the password. */
  mfa_required: 'mfa_required',
  /** 404: no such route or object. */
  not_found: 'not_found',
  /** 405: the path exists, the method does not (with `Allow`). */
  method_not_allowed: 'method_not_allowed',
  /** 413: a body over DATA_UPLOAD_MAX_MEMORY_SIZE. */
  request_too_large: 'request_too_large',
  /** 415: a body of a content type the route does not take. */
  unsupported_media_type: 'unsupported_media_type',
  /** 429: over a rate limit (with `Retry-After`). */
  throttled: 'throttled',
  /** 500: an unexpected failure; its details go to the log, never to the client. */
  server_error: 'server_error',
} as const

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode]
