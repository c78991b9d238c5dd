// Zod schemas -> JSON Schema 2020-12 for the OpenAPI document, with named schemas hoisted into
// `components.schemas` (zod puts them in a per-schema `$defs`, which a `$ref` cannot reach from the document).
import { z } from 'zod'

export type JsonSchema = { [key: string]: unknown }

const SAFE_MAX = Number.MAX_SAFE_INTEGER

/** Request schemas are named like drf-spectacular's: `UserRequest` next to the response's `User`. */
const componentName = (id: string, io: 'input' | 'output') =>
  io === 'input' && !id.endsWith('Request') ? `${id}Request` : id

export class SchemaComponents {
  readonly schemas: Record<string, JsonSchema> = {}
  private readonly seen = new Map<string, string>()

  /**
   * The JSON Schema of `schema` as a request (`input`: before defaults and transforms) or a response
   * (`output`). With `name`, the schema itself becomes a component and a `$ref` to it is returned.
   */
  convert(schema: z.ZodType, io: 'input' | 'output', name?: string): JsonSchema {
    const json = z.toJSONSchema(schema, {
      target: 'draft-2020-12',
      io,
      unrepresentable: 'any',
      override: (ctx) => keepPipedFormat(ctx.zodSchema, ctx.jsonSchema, io),
    }) as JsonSchema
    const defs = (json.$defs ?? {}) as Record<string, JsonSchema>
    delete json.$defs
    delete json.$schema
    const names = new Map<string, string>()
    for (const id of Object.keys(defs)) names.set(id, this.add(componentName(id, io), defs[id]!))
    for (const id of Object.keys(defs)) rewriteRefs(this.schemas[names.get(id)!]!, names)
    rewriteRefs(json, names)
    tidy(json)
    if (name && typeof json.$ref !== 'string') return { $ref: `#/components/schemas/${this.add(name, json)}` }
    return json
  }

  /** Adds a component under `name` (or `name2`, ... when another schema already took it); returns the name used. */
  private add(name: string, schema: JsonSchema): string {
    tidy(schema)
    const key = `${name}\n${JSON.stringify(schema)}`
    const known = this.seen.get(key)
    if (known) return known
    let unique = name
    for (let i = 2; unique in this.schemas; i++) unique = `${name}${i}`
    this.schemas[unique] = schema
    this.seen.set(key, unique)
    return unique
  }
}

/** `#/$defs/X` -> `#/components/schemas/<X's component name>`, everywhere in `node`. */
function rewriteRefs(node: unknown, names: Map<string, string>): void {
  if (Array.isArray(node)) return node.forEach((n) => rewriteRefs(n, names))
  if (!node || typeof node !== 'object') return
  const obj = node as JsonSchema
  if (typeof obj.$ref === 'string' && obj.$ref.startsWith('#/$defs/')) {
    const id = obj.$ref.slice('#/$defs/'.length)
    obj.$ref = `#/components/schemas/${names.get(id) ?? id}`
  }
  for (const value of Object.values(obj)) rewriteRefs(value, names)
}

/** Drops noise a reader does not need: zod's ±2^53 bounds on every integer. */
function tidy(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(tidy)
  if (!node || typeof node !== 'object') return
  const obj = node as JsonSchema
  if (obj.minimum === -SAFE_MAX) delete obj.minimum
  if (obj.maximum === SAFE_MAX) delete obj.maximum
  for (const value of Object.values(obj)) tidy(value)
}

interface ZodInternals {
  _zod: { def: { type: string; in?: ZodInternals; out?: ZodInternals; format?: string } }
}

/**
 * `z.string().trim().pipe(z.email())` documents as the input side of the pipe (a bare string); a client
 * still needs to know it must be an e-mail address, so the format of the output side is kept.
 */
function keepPipedFormat(schema: unknown, json: JsonSchema, io: 'input' | 'output'): void {
  const def = (schema as ZodInternals)._zod?.def
  if (io !== 'input' || def?.type !== 'pipe' || json.type !== 'string' || json.format) return
  let out = def.out
  while (out?._zod.def.type === 'pipe') out = out._zod.def.in
  const format = out?._zod.def.format
  if (out?._zod.def.type === 'string' && format) json.format = format
}
