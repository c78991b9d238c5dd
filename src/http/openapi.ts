// Route documentation in one shape: every route passes `...op({...})` so the OpenAPI document
// (issue 5 owns how it is rendered) gets DRF Auth Kit's operation ids, tags, summaries and responses.
import { z } from 'zod'

export const ErrorDetail = z
  .object({ detail: z.string(), code: z.string() })
  .meta({ id: 'ErrorDetail', description: 'Any error that is not a field validation error.' })

export const ValidationErrors = z
  .record(z.string(), z.array(z.string()))
  .meta({ id: 'ValidationError', description: 'Field errors: `{"field": ["message", ...]}`; object-level ones under `non_field_errors`.' })

export const Detail = z.object({ detail: z.string() }).meta({ id: 'Detail' })

export type Tag = 'login' | 'logout' | 'password' | 'registration' | 'token' | 'user' | 'mfa' | 'accounts' | 'social' | 'passkeys' | 'csrf'

export interface OpSpec {
  /** DRF Auth Kit style: `login_create`, `user_partial_update`, ... */
  operationId: string
  tags: Tag[]
  summary: string
  description: string
  /** Needs credentials (bearer, token, or auth cookie with CSRF). */
  authenticated?: boolean
  /** Success responses by status. */
  responses: Record<number, z.ZodType>
  /**
   * Error statuses this route answers beyond the ones src/docs adds by itself (every route: 405;
   * POST/PUT/PATCH/DELETE: 400, 413, 415; authenticated: 401, and 403 for unsafe methods). E.g. 404
   * for an unknown key, 429 when throttled, 401 from a route that checks a token in its body.
   */
  errors?: ErrorStatus[]
  /**
   * Also reads a refresh token from the refresh cookie (JWT mode with USE_AUTH_COOKIE), which then needs
   * the CSRF header: token/refresh/ and logout/.
   */
  refreshCookie?: boolean
}

/** The error statuses of API.md §1, each documented once under `components.responses`. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 405 | 413 | 415 | 429

export interface ErrorResponseDoc {
  /** Name under `#/components/responses/`. */
  name: string
  description: string
  /** 400 is field errors or a parse error; every other status is `{"detail", "code"}`. */
  body: 'fields-or-detail' | 'detail'
  headers?: Record<string, string>
}

export const ERROR_RESPONSES: Record<ErrorStatus, ErrorResponseDoc> = {
  400: {
    name: 'BadRequest',
    description:
      'Invalid input: field errors `{"field": ["message", ...]}` (object-level ones under `non_field_errors`), ' +
      'or a body that could not be parsed: `{"detail": "JSON parse error - ...", "code": "parse_error"}`.',
    body: 'fields-or-detail',
  },
  401: {
    name: 'Unauthorized',
    description:
      'No valid credentials: `not_authenticated` (none sent), `bad_authorization_header` (malformed header) or ' +
      '`token_not_valid` (invalid, expired or revoked token).',
    body: 'detail',
    headers: { 'WWW-Authenticate': 'The authentication scheme to use.' },
  },
  403: {
    name: 'Forbidden',
    description:
      'A cookie-authenticated unsafe request without a matching `X-CSRFToken` header or from an untrusted `Origin` ' +
      '(`csrf_failed`), or not permitted (`permission_denied`).',
    body: 'detail',
  },
  404: { name: 'NotFound', description: '`{"detail": "Not found.", "code": "not_found"}`.', body: 'detail' },
  405: {
    name: 'MethodNotAllowed',
    description: 'The path does not answer this method; `Allow` lists the methods it does.',
    body: 'detail',
    headers: { Allow: 'The methods this path answers.' },
  },
  413: { name: 'PayloadTooLarge', description: 'The body is larger than `DATA_UPLOAD_MAX_MEMORY_SIZE`.', body: 'detail' },
  415: {
    name: 'UnsupportedMediaType',
    description: 'The body is not JSON, `application/x-www-form-urlencoded` or `multipart/form-data`.',
    body: 'detail',
  },
  429: {
    name: 'Throttled',
    description: 'Too many attempts: `Request was throttled. Expected available in N seconds.`',
    body: 'detail',
    headers: { 'Retry-After': 'Seconds to wait before trying again.' },
  },
}

export const errorResponseRef = (status: ErrorStatus) => ({ $ref: `#/components/responses/${ERROR_RESPONSES[status].name}` })

/** The route options that document a route: `{ detail, response }`. */
export function op(spec: OpSpec) {
  // Every way in; src/docs keeps those the settings enable (`Token` only in token mode, cookies only with USE_AUTH_COOKIE).
  const security: Record<string, string[]>[] = spec.authenticated ? [{ bearer: [] }, { token: [] }, { cookie: [], csrf: [] }] : []
  // `{}` first: without the cookie, the route still works (refresh token in the body).
  if (spec.refreshCookie) security.push(...(spec.authenticated ? [] : [{}]), { refreshCookie: [], csrf: [] })
  return {
    detail: {
      operationId: spec.operationId,
      tags: spec.tags,
      summary: spec.summary,
      description: spec.description,
      security,
      ...(spec.errors?.length
        ? { responses: Object.fromEntries(spec.errors.map((status) => [String(status), errorResponseRef(status)])) }
        : {}),
    },
    response: spec.responses,
  }
}
