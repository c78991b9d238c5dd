// The generator on routes made up for this test: it documents whatever routes exist, from their zod
// schemas and op() detail, so routes added later (MFA, social) join without extra work.
import SwaggerParser from '@apidevtools/swagger-parser'
import { describe, expect, it } from 'bun:test'
import { Elysia } from 'elysia'
import { UserSchema } from '../../src/users/user.ts'
import { docsPlugin } from '../../src/docs/index.ts'
import { buildDocument, defaultOperationId, documentedPath } from '../../src/docs/document.ts'
import { email, optionalString, password, requiredString, z } from '../../src/http/fields.ts'
import { Detail, op } from '../../src/http/openapi.ts'
import { testConfig } from '../helpers/app.ts'
import { BodyValidator, type Json } from './support.ts'

const Widget = z.object({ id: z.number().int(), name: z.string(), owner: UserSchema }).meta({ id: 'Widget' })

function sampleApp() {
  return new Elysia({ prefix: '/api/auth' })
    .post('/widgets/', () => ({ detail: 'ok' }), {
      body: z.object({ name: requiredString(20), contact: email(), secret: password(), note: optionalString() }),
      ...op({
        operationId: 'widgets_create',
        tags: ['accounts'],
        summary: 'Make a widget',
        description: 'Test route.',
        responses: { 201: Detail },
        errors: [404, 429],
      }),
    })
    .patch('/widgets/:id', () => ({ id: 1, name: 'w', owner: {} }), {
      body: z.object({ name: optionalString() }),
      ...op({
        operationId: 'widgets_partial_update',
        tags: ['accounts'],
        summary: 'Rename a widget',
        description: 'Test route.',
        authenticated: true,
        responses: { 200: Widget },
      }),
    })
    .get('/widgets/', () => [], {
      query: z.object({ limit: z.coerce.number().int().default(20), q: z.string() }),
      ...op({ operationId: 'widgets_list', tags: ['accounts'], summary: 'List', description: 'Test route.', authenticated: true, responses: { 200: z.array(Widget) } }),
    })
    .post('/renew/', () => ({ detail: 'ok' }), {
      ...op({ operationId: 'renew_create', tags: ['token'], summary: 'Renew', description: 'Test route.', refreshCookie: true, responses: { 200: Detail } }),
    })
    .get('/.well-known/thing.json', () => ({}))
    .get('/secret-page', () => 'html', { detail: { hide: true } })
    .options('/widgets/', () => '')
}

const build = (overrides = {}) => buildDocument(sampleApp().routes, testConfig(overrides), '9.9.9')

describe('the document generator', () => {
  it('builds a valid document from made-up routes', async () => {
    await SwaggerParser.validate(structuredClone(build()) as never)
    await SwaggerParser.validate(structuredClone(build({ authType: 'token', useAuthCookie: false })) as never)
  })

  it('lists visible routes under DRF paths (trailing slash, {param}) and leaves hidden and OPTIONS routes out', () => {
    const doc = build()
    expect(Object.keys(doc.paths)).toEqual([
      '/api/auth/.well-known/thing.json',
      '/api/auth/renew/',
      '/api/auth/widgets/',
      '/api/auth/widgets/{id}/',
    ])
    expect(Object.keys(doc.paths['/api/auth/widgets/']!)).toEqual(['post', 'get'])
    expect(documentedPath('/api/auth/user')).toBe('/api/auth/user/')
    expect(documentedPath('/.well-known/jwks.json')).toBe('/.well-known/jwks.json')
  })

  it('names an operation without op() DRF-style from its path and method', () => {
    expect(defaultOperationId('get', '/api/auth/.well-known/thing.json')).toBe('well_known_thing_json_retrieve')
    expect(defaultOperationId('patch', '/api/auth/user/')).toBe('user_partial_update')
    expect(build().paths['/api/auth/.well-known/thing.json']!.get!.operationId).toBe('well_known_thing_json_retrieve')
  })

  it('documents the body for the three encodings from the zod schema, named like drf-spectacular', () => {
    const doc = build()
    const post = doc.paths['/api/auth/widgets/']!.post as Json
    const body = post.requestBody as { required: boolean; content: Record<string, { schema: Json }> }
    expect(body.required).toBe(true)
    for (const type of ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data']) {
      expect(body.content[type]!.schema).toEqual({ $ref: '#/components/schemas/WidgetsRequest' })
    }
    const schema = (doc.components as { schemas: Record<string, Json> }).schemas.WidgetsRequest!
    expect(schema.required).toEqual(['name', 'contact', 'secret'])
    const props = schema.properties as Record<string, Json>
    expect(props.name).toMatchObject({ type: 'string', minLength: 1, maxLength: 20 })
    // The e-mail field is a pipe (trim, then check); its format must survive as the request's format.
    expect(props.contact).toMatchObject({ type: 'string', format: 'email' })
    const patch = doc.paths['/api/auth/widgets/{id}/']!.patch as Json
    expect((patch.requestBody as Json).required).toBe(false)
    expect((patch.requestBody as { content: Record<string, { schema: Json }> }).content['application/json']!.schema).toEqual({
      $ref: '#/components/schemas/PatchedWidgetsRequest',
    })
  })

  it('documents query and path parameters', () => {
    const doc = build()
    const get = doc.paths['/api/auth/widgets/']!.get as { parameters: Json[] }
    expect(get.parameters).toEqual([
      { name: 'limit', in: 'query', required: false, schema: { default: 20, type: 'integer' } },
      { name: 'q', in: 'query', required: true, schema: { type: 'string' } },
    ])
    const patch = doc.paths['/api/auth/widgets/{id}/']!.patch as { parameters: Json[] }
    expect(patch.parameters).toEqual([{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }])
  })

  it('hoists named schemas into components and keeps the references valid', () => {
    const doc = build()
    const schemas = (doc.components as { schemas: Record<string, Json> }).schemas
    expect(Object.keys(schemas)).toEqual(expect.arrayContaining(['Widget', 'User', 'Detail', 'ErrorDetail', 'ValidationError']))
    expect((schemas.Widget!.properties as Json).owner).toEqual({ $ref: '#/components/schemas/User' })
    const list = (doc.paths['/api/auth/widgets/']!.get as { responses: Record<string, { content: Json }> }).responses['200']!
    expect(list.content['application/json']).toEqual({ schema: { type: 'array', items: { $ref: '#/components/schemas/Widget' } } })
    expect(JSON.stringify(doc)).not.toContain('$defs')
  })

  it('adds the error answers each kind of route gives, plus those op() declares', () => {
    const doc = build()
    const statuses = (method: string, path: string) => Object.keys((doc.paths[path]![method] as { responses: Json }).responses)
    // Public POST with a body: parse/validation, size and media type errors; 404 and 429 declared.
    expect(statuses('post', '/api/auth/widgets/')).toEqual(['201', '400', '404', '405', '413', '415', '429'])
    // Authenticated PATCH with cookies on: 401, and 403 for a missing CSRF header.
    expect(statuses('patch', '/api/auth/widgets/{id}/')).toEqual(['200', '400', '401', '403', '405', '413', '415'])
    // Authenticated GET: no body errors, no CSRF.
    expect(statuses('get', '/api/auth/widgets/')).toEqual(['200', '401', '405'])
    const responses = (doc.components as { responses: Record<string, Json> }).responses
    expect(Object.keys(responses.Unauthorized!.headers as Json)).toEqual(['WWW-Authenticate'])
    expect(Object.keys(responses.MethodNotAllowed!.headers as Json)).toEqual(['Allow'])
    expect(Object.keys(responses.Throttled!.headers as Json)).toEqual(['Retry-After'])
  })

  it('the 400 answer accepts both field errors and a parse error, and nothing else', () => {
    const doc = build()
    const v = new BodyValidator(doc)
    const schema = ((doc.components as { responses: Record<string, { content: Record<string, { schema: Json }> }> }).responses.BadRequest!
      .content['application/json']!.schema)
    expect(v.check(schema, { name: ['This field is required.'] })).toBeNull()
    expect(v.check(schema, { detail: 'JSON parse error - x', code: 'parse_error' })).toBeNull()
    expect(v.check(schema, { detail: 'no code' })).not.toBeNull()
    expect(v.check(schema, { name: 'not a list' })).not.toBeNull()
  })

  it('keeps only the ways in this server has: JWT mode has no Token header, safe methods need no CSRF header', () => {
    const security = (doc: ReturnType<typeof build>, method: string, path: string) => (doc.paths[path]![method] as Json).security
    const jwt = build()
    expect(security(jwt, 'patch', '/api/auth/widgets/{id}/')).toEqual([{ bearer: [] }, { cookie: [], csrf: [] }])
    expect(security(jwt, 'get', '/api/auth/widgets/')).toEqual([{ bearer: [] }, { cookie: [] }])
    expect(security(jwt, 'post', '/api/auth/widgets/')).toEqual([])
    const token = build({ authType: 'token' })
    expect(security(token, 'patch', '/api/auth/widgets/{id}/')).toEqual([{ bearer: [] }, { token: [] }, { cookie: [], csrf: [] }])
    const headerOnly = build({ useAuthCookie: false })
    expect(security(headerOnly, 'patch', '/api/auth/widgets/{id}/')).toEqual([{ bearer: [] }])
    expect(Object.keys((headerOnly.paths['/api/auth/widgets/{id}/']!.patch as { responses: Json }).responses)).not.toContain('403')
  })

  it('a route that reads the refresh cookie lists it (with CSRF) as an optional way in, where cookies exist', () => {
    const security = (doc: ReturnType<typeof build>) => (doc.paths['/api/auth/renew/']!.post as Json).security
    expect(security(build())).toEqual([{}, { refreshCookie: [], csrf: [] }])
    expect(security(build({ useAuthCookie: false }))).toEqual([])
    expect(security(build({ authType: 'token' }))).toEqual([])
    // Optional credentials: no generic 401 for it.
    expect(Object.keys((build().paths['/api/auth/renew/']!.post as { responses: Json }).responses)).not.toContain('401')
  })

  it('the plugin documents routes registered after it, on the first request and after more are added', async () => {
    const app = new Elysia().use(docsPlugin({ config: testConfig() })).use(sampleApp())
    const first = (await (await app.handle(new Request('http://localhost/api/schema/'))).json()) as { paths: Json }
    expect(Object.keys(first.paths)).toContain('/api/auth/widgets/')
    app.get('/api/auth/late/', () => ({ detail: 'ok' }), {
      ...op({ operationId: 'late_retrieve', tags: ['accounts'], summary: 'Late', description: 'Added late.', responses: { 200: Detail } }),
    })
    const second = (await (await app.handle(new Request('http://localhost/api/schema'))).json()) as { paths: Json }
    expect(Object.keys(second.paths)).toContain('/api/auth/late/')
  })
})
