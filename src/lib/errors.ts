// Domain errors with stable machine codes (the table in ./error-codes.ts); src/http/conventions.ts is
// the one place that turns them into HTTP.
import { ErrorCode } from './error-codes.ts'

/** A failure the client caused or may see, rendered as `{"detail", "code"}` with `status`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly errorCode: string,
    readonly headers: Record<string, string> = {},
    /** Fields added to the body after `detail` and `code` (e.g. a `hint`). */
    readonly extra: Readonly<Record<string, string>> = {},
  ) {
    super(detail)
    this.name = 'ApiError'
  }

  /** The same error with more body fields. */
  with(extra: Record<string, string>): ApiError {
    return new ApiError(this.status, this.detail, this.errorCode, this.headers, { ...this.extra, ...extra })
  }
}

/** DRF-style validation failure: `{"field": ["msg", ...]}` or `{"non_field_errors": [...]}`, always 400. */
export class FieldErrors extends Error {
  constructor(readonly fields: Record<string, string[]>) {
    super('validation failed')
    this.name = 'FieldErrors'
  }

  static of(field: string, ...messages: string[]): FieldErrors {
    return new FieldErrors({ [field]: messages })
  }

  static nonField(...messages: string[]): FieldErrors {
    return new FieldErrors({ non_field_errors: messages })
  }
}

export const notFound = () => new ApiError(404, 'Not found.', ErrorCode.not_found)

export const notAuthenticated = (wwwAuthenticate = 'Bearer realm="api"') =>
  new ApiError(401, 'Authentication credentials were not provided.', ErrorCode.not_authenticated, {
    'www-authenticate': wwwAuthenticate,
  })

export const permissionDenied = (detail = 'You do not have permission to perform this action.') =>
  new ApiError(403, detail, ErrorCode.permission_denied)

export const throttled = (retryAfterSeconds: number) =>
  new ApiError(
    429,
    `Request was throttled. Expected available in ${retryAfterSeconds} second${retryAfterSeconds === 1 ? '' : 's'}.`,
    ErrorCode.throttled,
    { 'retry-after': String(retryAfterSeconds) },
  )

/** Start-up cannot go on because of the machine (port, disk, permissions); `message` is the one line printed before exit 1. */
export class StartupError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'StartupError'
  }
}
