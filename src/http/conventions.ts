// HTTP conventions of API.md §1 in one place: body parsing (JSON, urlencoded, multipart), size limit,
// and the translation of every error into DRF's shapes. createApp installs it before any route.
import { Elysia } from 'elysia'
import { type Lang, requestLang } from '../i18n/negotiate.ts'
import { translate, translateFields } from '../i18n/translate.ts'
import { ErrorCode } from '../lib/error-codes.ts'
import { ApiError, FieldErrors } from '../lib/errors.ts'
import type { Logger } from './logger.ts'

const SAFE_BODYLESS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Headers every answer carries (API.md §13), set once on the root app. Answers carry tokens, keys and
 * user data, so no cache keeps them (jwks.json and static assets set their own Cache-Control, which
 * wins); nosniff keeps a browser from running a JSON answer as a script or page; the referrer never
 * leaves this origin. HTML pages add their own Content-Security-Policy.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
}

/**
 * The path of request.url without the query. Bun's request.url is just the path when the Host header
 * cannot be part of a URL (`Host: a@b`), so this does not assume a scheme and host in front.
 */
export function requestPath(url: string): string {
  const from = url.charCodeAt(0) === 47 /* / */ ? 0 : url.indexOf('/', url.indexOf('//') + 2)
  if (from === -1) return '/'
  const q = url.indexOf('?', from)
  return url.slice(from, q === -1 ? undefined : q)
}

export const errorBody = (detail: string, code: string) => ({ detail, code })

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  })
}

/** Issues from a failed schema check -> `{"field": ["msg"]}`; object-level ones -> `non_field_errors`. */
export function validationToFields(issues: readonly { path?: unknown; message?: string }[]): Record<string, string[]> {
  const fields: Record<string, string[]> = {}
  for (const issue of issues) {
    const path = typeof issue.path === 'string' ? issue.path : Array.isArray(issue.path) ? issue.path.join('.') : ''
    const first = path.replace(/^\//, '').split(/[./]/)[0] ?? ''
    const field = !first || first === 'root' ? 'non_field_errors' : first
    const list = (fields[field] ??= [])
    const message = issue.message ?? 'Invalid value.'
    if (!list.includes(message)) list.push(message)
  }
  return fields
}

async function readBody(request: Request, contentType: string, limit: number): Promise<unknown> {
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase()
  const raw = await request.arrayBuffer()
  if (raw.byteLength > limit) throw tooLarge(limit)
  if (raw.byteLength === 0) return {}
  if (mediaType === 'application/json' || mediaType.endsWith('+json')) {
    try {
      return JSON.parse(new TextDecoder().decode(raw))
    } catch {
      // Not the parser's message: it quotes the token it stopped at, which may be an unquoted password.
      throw new ApiError(400, JSON_PARSE_ERROR, ErrorCode.parse_error)
    }
  }
  if (mediaType === 'application/x-www-form-urlencoded') {
    return Object.fromEntries(new URLSearchParams(new TextDecoder().decode(raw)))
  }
  if (mediaType === 'multipart/form-data') {
    let form: FormData
    try {
      form = await new Response(raw, { headers: { 'content-type': contentType } }).formData()
    } catch {
      throw new ApiError(400, 'Multipart form parse error - Invalid boundary or body.', ErrorCode.parse_error)
    }
    const out: Record<string, unknown> = {}
    for (const [k, v] of form.entries()) out[k] = v
    return out
  }
  const shown = mediaType || 'none'
  throw new ApiError(415, `Unsupported media type "${shown}" in request.`, ErrorCode.unsupported_media_type)
}

export const JSON_PARSE_ERROR = 'JSON parse error - Expecting value: the body is not valid JSON.'

const tooLarge = (limit: number) =>
  new ApiError(413, `Request body is larger than the ${limit}-byte limit.`, ErrorCode.request_too_large)

export interface ConventionsOptions {
  maxBodySize: number
  log: Logger
  /** The methods registered for a path, to tell 405 from 404. */
  allowedMethods: (path: string) => string[]
  /** LANGUAGE_CODE: the language of answers when Accept-Language names none authkit speaks. */
  languageCode?: Lang
}

/** Renders any thrown value as the contract's error response, its messages in the request's language (API.md §14). */
export async function errorResponse(error: unknown, code: string | number, request: Request, opts: ConventionsOptions): Promise<Response> {
  const response = englishErrorResponse(error, code, request, opts)
  const lang = requestLang(request, opts.languageCode)
  response.headers.set('content-language', lang)
  if (lang === 'en' || !response.headers.get('content-type')?.startsWith('application/json')) return response
  const body = (await response.json()) as Record<string, unknown>
  const translated =
    typeof body.detail === 'string' && typeof body.code === 'string'
      ? { ...body, detail: translate(lang, body.detail) }
      : translateFields(lang, body as Record<string, string[]>)
  return new Response(JSON.stringify(translated), { status: response.status, headers: response.headers })
}

function englishErrorResponse(error: unknown, code: string | number, request: Request, opts: ConventionsOptions): Response {
  // Elysia wraps what the body parser throws in its own ParseError; the cause is ours.
  if (code === 'PARSE' && error instanceof Error && (error.cause instanceof ApiError || error.cause instanceof FieldErrors)) {
    error = error.cause
  }
  if (error instanceof ApiError) return json(error.status, { ...errorBody(error.detail, error.errorCode), ...error.extra }, error.headers)
  if (error instanceof FieldErrors) return json(400, error.fields)
  switch (code) {
    case 'VALIDATION': {
      const all = (error as { all?: { path?: unknown; message?: string }[] }).all ?? []
      return json(400, validationToFields(all))
    }
    case 'PARSE':
      return json(400, errorBody('Malformed request.', ErrorCode.parse_error))
    case 'INVALID_COOKIE_SIGNATURE':
      return json(400, errorBody('Malformed cookie.', ErrorCode.bad_cookie))
    case 'NOT_FOUND': {
      const path = requestPath(request.url)
      const allowed = opts.allowedMethods(path)
      if (allowed.length > 0 && !allowed.includes(request.method)) {
        return json(405, errorBody(`Method "${request.method}" not allowed.`, ErrorCode.method_not_allowed), {
          allow: allowed.join(', '),
        })
      }
      return json(404, errorBody('Not found.', ErrorCode.not_found))
    }
  }
  // Unexpected: log the kind and message (never the request body), answer without details.
  const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  opts.log.error(`${request.method} ${requestPath(request.url)}: ${what}`)
  if (error instanceof Error && error.stack) opts.log.error(error.stack.split('\n').slice(1, 6).join('\n'))
  return json(500, errorBody('A server error occurred.', ErrorCode.server_error))
}

export const httpConventions = (opts: ConventionsOptions) =>
  new Elysia({ name: 'http-conventions' })
    .onRequest(({ request }) => {
      const length = Number(request.headers.get('content-length') ?? 0)
      if (length > opts.maxBodySize) throw tooLarge(opts.maxBodySize)
    })
    .onParse({ as: 'global' }, async ({ request, contentType }) => {
      if (SAFE_BODYLESS.has(request.method)) return {}
      // Elysia's contentType drops parameters; multipart needs its boundary.
      return readBody(request, request.headers.get('content-type') ?? contentType ?? '', opts.maxBodySize)
    })
    .onError({ as: 'global' }, ({ error, code, request }) => errorResponse(error, code, request, opts))
    .onAfterHandle({ as: 'global' }, ({ request, response, set }) => {
      // Success answers: Content-Language, and a `{"detail": ...}` message in that language.
      const lang = requestLang(request, opts.languageCode)
      set.headers['content-language'] = lang
      if (lang === 'en' || response === null || typeof response !== 'object' || response instanceof Response) return
      // status(201, {...}) arrives wrapped: the body is its `response`.
      const wrapped = response as { code?: unknown; response?: unknown }
      const body = (typeof wrapped.code === 'number' && wrapped.response && typeof wrapped.response === 'object' ? wrapped.response : response) as {
        detail?: unknown
      }
      if (typeof body.detail === 'string') body.detail = translate(lang, body.detail)
    })
