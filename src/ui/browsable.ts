// The browsable API's logic: when a GET prefers HTML, which API routes the path matches, and the forms
// their zod body schemas describe (the same schemas the OpenAPI document is generated from).
import { z } from 'zod'
import { prefersHtml } from '../http/accept.ts'
import type { BrowsableField, BrowsableOperation } from '../../views/ui/browsable.tsx'
import type { HttpMethod } from '../../views/ui/form.tsx'

/** The part of an Elysia route this module reads. */
export { prefersHtml }

export interface RouteInfo {
  readonly method: string
  readonly path: string
  readonly hooks?: { readonly body?: unknown; readonly detail?: unknown; readonly response?: unknown } | undefined
}

/** A route whose answer is a redirect (social login's authorize/ and callback/) is browser navigation itself: never wrapped in a page. */
const redirects = (r: RouteInfo) => typeof r.hooks?.response === 'object' && r.hooks.response !== null && 302 in r.hooks.response

const trim = (p: string) => (p.length > 1 ? p.replace(/\/+$/, '') : p)

function pattern(path: string): RegExp {
  const body = trim(path)
    .split('/')
    .map((seg) => (seg.startsWith(':') ? '[^/]+' : seg === '*' ? '.*' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/')
  return new RegExp(`^${body}$`)
}

/** The API routes (under /api/auth/, outside the UI itself) registered for `path`. */
export function routesFor<R extends RouteInfo>(routes: readonly R[], path: string): R[] {
  if (!path.startsWith('/api/auth/') || path.startsWith('/api/auth/ui')) return []
  const target = trim(path)
  return routes.filter((r) => r.path.startsWith('/api/auth/') && pattern(r.path).test(target) && !redirects(r))
}

/** Every API path (with its trailing slash) a browser can open, for the browsable API's index. */
export function apiPaths(routes: readonly RouteInfo[]): string[] {
  const paths = routes
    .map((r) => r.path)
    .filter((p) => p.startsWith('/api/auth/') && !p.startsWith('/api/auth/ui') && !p.includes(':') && !p.includes('*'))
    .map((p) => `${trim(p)}/`)
  return [...new Set(paths)].sort()
}

interface JsonProperty {
  type?: string | string[]
  format?: string
  description?: string
  maxLength?: number
}

interface JsonObject {
  properties?: Record<string, JsonProperty>
  required?: string[]
  $ref?: string
  $defs?: Record<string, JsonObject>
}

function inputType(name: string, prop: JsonProperty): BrowsableField['type'] {
  if (/password/.test(name)) return 'password'
  if (name === 'email' || prop.format === 'email') return 'email'
  const type = Array.isArray(prop.type) ? prop.type[0] : prop.type
  return type === 'integer' || type === 'number' ? 'number' : 'text'
}

/** Form fields for a zod object schema, as JSON Schema (the OpenAPI generator's view of it) sees its input. */
export function fieldsOf(schema: unknown): BrowsableField[] {
  if (!(schema instanceof z.ZodType)) return []
  let json: JsonObject
  try {
    json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonObject
  } catch {
    return []
  }
  // A schema with a `.meta({ id })` comes out as a $ref into $defs (it is a named component in OpenAPI).
  const ref = json.$ref?.startsWith('#/$defs/') ? json.$defs?.[json.$ref.slice('#/$defs/'.length)] : undefined
  if (ref) json = ref
  const required = new Set(json.required ?? [])
  return Object.entries(json.properties ?? {}).map(([name, prop]) => ({
    name,
    type: inputType(name, prop),
    required: required.has(name),
    ...(prop.description ? { description: prop.description } : {}),
    ...(prop.maxLength !== undefined ? { maxLength: prop.maxLength } : {}),
  }))
}

interface Detail {
  summary?: string
  description?: string
  operationId?: string
  hide?: boolean
}

export const detailOf = (route: RouteInfo): Detail => (route.hooks?.detail ?? {}) as Detail

const FORM_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/** One form per non-GET method of the path, in a stable order. */
export function operationsOf(routes: readonly RouteInfo[]): BrowsableOperation[] {
  const seen = new Set<string>()
  const ops: BrowsableOperation[] = []
  for (const route of routes) {
    if (!FORM_METHODS.has(route.method) || seen.has(route.method)) continue
    seen.add(route.method)
    const detail = detailOf(route)
    ops.push({
      method: route.method.toLowerCase() as HttpMethod,
      summary: detail.summary ?? '',
      description: detail.description ?? '',
      operationId: detail.operationId ?? '',
      fields: fieldsOf(route.hooks?.body),
    })
  }
  const order = ['POST', 'PUT', 'PATCH', 'DELETE']
  return ops.sort((a, b) => order.indexOf(a.method.toUpperCase()) - order.indexOf(b.method.toUpperCase()))
}

/** The JSON text pretty-printed, or the text itself when it is not JSON. */
export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2)
  } catch {
    return text
  }
}
