// Builds the OpenAPI 3.1 document from the registered routes: each route's `op()` detail, its zod body,
// query and response schemas, the error answers API.md §1 gives, and the security schemes of the settings.
import type { z } from 'zod'
import type { Config } from '../config/settings.ts'
import { ERROR_RESPONSES, ErrorDetail, type ErrorStatus, ValidationErrors, errorResponseRef } from '../http/openapi.ts'
import { TAG_DOCS, introduction } from './overview.ts'
import { type JsonSchema, SchemaComponents } from './schemas.ts'
import { type SecurityRequirement, operationSecurity, requiresCredentials, securitySchemes } from './security.ts'

/** What the generator reads from a registered route (Elysia's `app.routes` entries have this shape). */
export interface RouteInfo {
  readonly method: string
  readonly path: string
  readonly hooks?: {
    readonly body?: unknown
    readonly query?: unknown
    readonly params?: unknown
    readonly response?: unknown
    readonly detail?: unknown
  }
}

export type OpenApiDocument = JsonSchema & { paths: Record<string, Record<string, JsonSchema>> }

interface Detail {
  hide?: boolean
  operationId?: string
  tags?: string[]
  summary?: string
  description?: string
  security?: SecurityRequirement[]
  responses?: Record<string, unknown>
  [key: string]: unknown
}

export const DOCUMENTED_METHODS = ['get', 'put', 'post', 'patch', 'delete'] as const
const UNSAFE = new Set(['post', 'put', 'patch', 'delete'])
export const BODY_MEDIA_TYPES = ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data'] as const

const ACTION: Record<string, string> = {
  get: 'retrieve',
  post: 'create',
  put: 'update',
  patch: 'partial_update',
  delete: 'destroy',
}
const SUCCESS_TEXT: Record<string, string> = { '200': 'OK', '201': 'Created', '202': 'Accepted', '204': 'No Content' }

/** `/api/auth/password/reset/` + POST -> `password_reset_create`, DRF Auth Kit's naming, for routes without op(). */
export function defaultOperationId(method: string, path: string): string {
  const words = path
    .replace(/^\/api\/auth\//, '/')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
  return [...words, ACTION[method] ?? method].join('_').toLowerCase()
}

/**
 * The path as DRF Auth Kit documents it: with a trailing slash (every route answers with and without
 * one, API.md §1), except file-like paths such as `/.well-known/jwks.json`; `:id` becomes `{id}`.
 */
export function documentedPath(path: string): string {
  const last = path.split('/').pop() ?? ''
  const slashed = path.endsWith('/') || last.includes('.') ? path : `${path}/`
  return slashed.replace(/:([A-Za-z0-9_]+)/g, '{$1}')
}

/** `user_partial_update` -> `PatchedUserRequest`, `login_create` -> `LoginRequest` (drf-spectacular's names). */
function requestSchemaName(operationId: string): string {
  const patched = operationId.endsWith('_partial_update')
  const base = operationId.replace(/_(create|retrieve|update|partial_update|destroy|list)$/, '')
  const pascal = base
    .split('_')
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('')
  return `${patched ? 'Patched' : ''}${pascal}Request`
}

const isZod = (s: unknown): s is z.ZodType => !!s && typeof s === 'object' && '_zod' in s
/** A JSON Schema already (TypeBox), cloned without its symbol keys. */
const isJsonSchema = (s: unknown): s is JsonSchema =>
  !!s && typeof s === 'object' && !isZod(s) && ('type' in s || 'properties' in s || 'anyOf' in s || '$ref' in s)

export function buildDocument(routes: readonly RouteInfo[], config: Config, version: string): OpenApiDocument {
  const components = new SchemaComponents()
  const schemes = securitySchemes(config)
  const schemaOf = (s: unknown, io: 'input' | 'output', name?: string): JsonSchema | undefined => {
    if (isZod(s)) return components.convert(s, io, name)
    if (isJsonSchema(s)) return JSON.parse(JSON.stringify(s)) as JsonSchema
    return undefined
  }
  /** Follows one `$ref` into the components, to read `properties` and `required`. */
  const resolve = (s: JsonSchema): JsonSchema =>
    typeof s.$ref === 'string' ? (components.schemas[s.$ref.split('/').pop()!] ?? {}) : s

  const paths: OpenApiDocument['paths'] = {}
  const tags = new Set<string>()
  for (const route of routes) {
    const method = route.method.toLowerCase()
    const detail = (route.hooks?.detail ?? {}) as Detail
    if (detail.hide || !(DOCUMENTED_METHODS as readonly string[]).includes(method)) continue
    const { hide: _hide, security: declared, responses: declaredResponses, ...rest } = detail
    const operationId = detail.operationId ?? defaultOperationId(method, route.path)
    const security = operationSecurity(declared, method, schemes)
    const authenticated = requiresCredentials(security)

    const parameters: JsonSchema[] = []
    const params = route.hooks?.params ? schemaOf(route.hooks.params, 'input') : undefined
    for (const [, name] of route.path.matchAll(/:([A-Za-z0-9_]+)/g)) {
      const schema = (params?.properties as Record<string, JsonSchema> | undefined)?.[name!] ?? { type: 'string' }
      parameters.push({ name, in: 'path', required: true, schema })
    }
    const query = route.hooks?.query ? schemaOf(route.hooks.query, 'input') : undefined
    if (query) {
      const q = resolve(query)
      const required = new Set((q.required as string[] | undefined) ?? [])
      for (const [name, schema] of Object.entries((q.properties ?? {}) as Record<string, JsonSchema>)) {
        parameters.push({ name, in: 'query', required: required.has(name), schema })
      }
    }

    let requestBody: JsonSchema | undefined
    const body = UNSAFE.has(method) ? schemaOf(route.hooks?.body, 'input', requestSchemaName(operationId)) : undefined
    if (body) {
      const required = ((resolve(body).required as string[] | undefined) ?? []).length > 0
      requestBody = {
        required,
        content: Object.fromEntries(BODY_MEDIA_TYPES.map((type) => [type, { schema: body }])),
      }
    }

    const responses: Record<string, unknown> = {}
    const declaredSuccess = route.hooks?.response
    const successes: Record<string, unknown> =
      isZod(declaredSuccess) || isJsonSchema(declaredSuccess) ? { 200: declaredSuccess } : ((declaredSuccess ?? {}) as Record<string, unknown>)
    for (const [status, schema] of Object.entries(successes)) {
      const json = schemaOf(schema, 'output')
      const description = (isZod(schema) && schema.description) || SUCCESS_TEXT[status] || 'Success'
      responses[status] = json && status !== '204' ? { description, content: { 'application/json': { schema: json } } } : { description }
    }
    const errors = new Set<ErrorStatus>([405])
    if (UNSAFE.has(method)) [400, 413, 415].forEach((s) => errors.add(s as ErrorStatus))
    if (authenticated) errors.add(401)
    if (authenticated && UNSAFE.has(method) && 'csrf' in schemes) errors.add(403)
    for (const status of errors) responses[String(status)] ??= errorResponseRef(status)
    Object.assign(responses, declaredResponses)

    const operation: JsonSchema = {
      ...rest,
      operationId,
      ...(parameters.length ? { parameters } : {}),
      ...(requestBody ? { requestBody } : {}),
      responses: Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b))),
      ...(security ? { security } : {}),
    }
    for (const tag of (detail.tags ?? []) as string[]) tags.add(tag)
    ;(paths[documentedPath(route.path)] ??= {})[method] = operation
  }

  const errorDetail = components.convert(ErrorDetail, 'output')
  const fieldErrors = components.convert(ValidationErrors, 'output')
  const responses = Object.fromEntries(
    Object.values(ERROR_RESPONSES).map((doc) => [
      doc.name,
      {
        description: doc.description,
        ...(doc.headers
          ? { headers: Object.fromEntries(Object.entries(doc.headers).map(([h, d]) => [h, { description: d, schema: { type: 'string' } }])) }
          : {}),
        content: { 'application/json': { schema: doc.body === 'detail' ? errorDetail : { anyOf: [fieldErrors, errorDetail] } } },
      },
    ]),
  )

  const tagOrder = Object.keys(TAG_DOCS)
  const rank = (t: string) => (tagOrder.includes(t) ? tagOrder.indexOf(t) : tagOrder.length)
  return {
    openapi: '3.1.1',
    info: { title: `${config.siteName} API`, version, description: introduction(config) },
    tags: [...tags]
      .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
      .map((name) => (TAG_DOCS[name] ? { name, description: TAG_DOCS[name] } : { name })),
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    components: { schemas: components.schemas, responses, securitySchemes: schemes },
  }
}
