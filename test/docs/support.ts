// Shared by the docs tests: fetch the document, validate bodies against it (ajv, JSON Schema 2020-12),
// and read its operations.
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020'
import type { Config } from '../../src/config/settings.ts'
import { type TestApp, makeTestApp } from '../helpers/app.ts'

export type Json = { [key: string]: unknown }

export interface Operation {
  method: string
  path: string
  op: Json & { operationId: string; responses: Record<string, Json>; security?: Record<string, string[]>[] }
}

export async function fetchDocument(t: TestApp): Promise<Json & { paths: Record<string, Record<string, Json>>; components: Json }> {
  const res = await t.req('/api/schema/')
  if (res.status !== 200) throw new Error(`GET /api/schema/ answered ${res.status}`)
  return (await res.json()) as Json & { paths: Record<string, Record<string, Json>>; components: Json }
}

export async function appAndDocument(overrides: Partial<Config> = {}) {
  const t = makeTestApp(overrides)
  return { t, doc: await fetchDocument(t) }
}

export function operations(doc: { paths: Record<string, Record<string, Json>> }): Operation[] {
  const out: Operation[] = []
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) out.push({ method, path, op: op as Operation['op'] })
  }
  return out
}

/** Follows a `#/components/...` reference inside the document. */
export function deref<T = Json>(doc: Json, node: unknown): T {
  let cur = node as Json
  while (cur && typeof cur.$ref === 'string') {
    cur = (cur.$ref as string)
      .slice(2)
      .split('/')
      .reduce<Json>((n, key) => n[key] as Json, doc)
  }
  return cur as T
}

/** Validates response bodies against the document's schemas, `$ref`s into its components included. */
export class BodyValidator {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true })
  private readonly cache = new Map<unknown, ValidateFunction>()

  constructor(private readonly doc: Json) {
    this.ajv.addFormat('email', /^[^\s@]+@[^\s@]+\.[^\s@]+$/)
    this.ajv.addFormat('date-time', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/)
    this.ajv.addFormat('uri', (s: string) => URL.canParse(s))
    this.ajv.addSchema({ $id: 'openapi.json', components: doc.components })
  }

  /** null when `body` fits `schema`; otherwise what is wrong. */
  check(schema: unknown, body: unknown): string | null {
    let validate = this.cache.get(schema)
    if (!validate) {
      const rebased = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi.json#/components/'))
      validate = this.ajv.compile(rebased)
      this.cache.set(schema, validate)
    }
    return validate(body) ? null : this.ajv.errorsText(validate.errors)
  }

  /**
   * Checks an actual answer against what the document says `op` answers: the status must be documented,
   * and a documented JSON body must match its schema. Returns the problems found.
   */
  async checkResponse(op: Operation['op'], res: Response): Promise<string[]> {
    const text = await res.text()
    const documented = op.responses[String(res.status)]
    if (!documented) return [`status ${res.status} is not documented (body ${text.slice(0, 200)})`]
    const response = deref<Json>(this.doc, documented)
    const problems: string[] = []
    for (const header of Object.keys((response.headers ?? {}) as Json)) {
      if (!res.headers.has(header)) problems.push(`status ${res.status} lacks the documented ${header} header`)
    }
    const content = response.content as Record<string, { schema: unknown }> | undefined
    if (!content) return text.length ? [...problems, `status ${res.status} is documented without a body but has one`] : problems
    const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim()
    if (!content[type]) return [...problems, `status ${res.status} answered ${type || 'no content-type'}, documented ${Object.keys(content)}`]
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch {
      return [...problems, `status ${res.status}: body is not JSON: ${text.slice(0, 200)}`]
    }
    const problem = this.check(content[type]!.schema, body)
    if (problem) problems.push(`status ${res.status}: ${problem}; body ${text.slice(0, 300)}`)
    return problems
  }
}
