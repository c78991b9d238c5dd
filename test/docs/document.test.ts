// GET /api/schema/: a valid OpenAPI 3.1 document that lists every API route, each fully described,
// and that follows the settings (auth type, cookies).
import SwaggerParser from '@apidevtools/swagger-parser'
import { describe, expect, it } from 'bun:test'
import type { Config } from '../../src/config/settings.ts'
import { DOCUMENTED_METHODS, documentedPath } from '../../src/docs/document.ts'
import { appAndDocument, deref, type Json, operations } from './support.ts'

/** Routes that are not part of the JSON API, and so are left out of the document on purpose. */
const NOT_API: RegExp[] = [
  /^\/healthz$/, // load balancers' probe
  /^\/$/, // the front door: links to the docs and the UI
  /^\/api\/(schema|docs|redoc)(\/|$)/, // the documentation itself
  /^\/api\/auth\/ui(\/|$)/, // the testing UI (HTML, DEBUG only)
  /^\/(verify-email|reset-password|sign-in-link)\/?$/, // HTML pages the e-mailed links open when no frontend is set
]

const SETUPS: [string, Partial<Config>][] = [
  ['JWT with cookies (the default)', {}],
  ['JWT without cookies', { useAuthCookie: false }],
  ['token mode', { authType: 'token' }],
  ['DEBUG on', { debug: true }],
  ['USE_MFA on', { useMfa: true }],
  ['passkeys and sign-in links on', { usePasskeys: true, useEmailLinkLogin: true }],
]

describe.each(SETUPS)('the OpenAPI document, %s', (_name, overrides) => {
  it('is valid OpenAPI 3.1 (swagger-parser)', async () => {
    const { doc } = await appAndDocument(overrides)
    expect(String(doc.openapi)).toStartWith('3.1.')
    // validate() dereferences in place; keep the original for the other checks.
    await SwaggerParser.validate(structuredClone(doc) as never)
  })

  it('documents every registered API route', async () => {
    const { t, doc } = await appAndDocument(overrides)
    const missing: string[] = []
    for (const route of t.app.routes) {
      const method = route.method.toLowerCase()
      if (!(DOCUMENTED_METHODS as readonly string[]).includes(method)) continue
      if (NOT_API.some((re) => re.test(route.path))) continue
      if (!doc.paths[documentedPath(route.path)]?.[method]) missing.push(`${route.method} ${route.path}`)
    }
    expect(missing).toEqual([])
  })

  it('documents nothing that is not a registered API route', async () => {
    const { t, doc } = await appAndDocument(overrides)
    const registered = new Set(t.app.routes.map((r) => `${r.method.toLowerCase()} ${documentedPath(r.path)}`))
    const extra = operations(doc).filter((o) => !registered.has(`${o.method} ${o.path}`) || NOT_API.some((re) => re.test(o.path)))
    expect(extra.map((o) => `${o.method} ${o.path}`)).toEqual([])
  })

  it('gives every operation a unique DRF-style id, tags, a summary and a description', async () => {
    const { doc } = await appAndDocument(overrides)
    const problems: string[] = []
    const ids = new Set<string>()
    for (const { method, path, op } of operations(doc)) {
      const where = `${method} ${path}`
      if (!/^[a-z0-9]+(_[a-z0-9]+)*$/.test(op.operationId)) problems.push(`${where}: operationId ${op.operationId}`)
      if (ids.has(op.operationId)) problems.push(`${where}: duplicate operationId ${op.operationId}`)
      ids.add(op.operationId)
      if (!(op.tags as string[] | undefined)?.length) problems.push(`${where}: no tags`)
      if (typeof op.summary !== 'string' || !op.summary) problems.push(`${where}: no summary`)
      if (typeof op.description !== 'string' || !op.description) problems.push(`${where}: no description`)
    }
    expect(problems).toEqual([])
  })

  it('documents a JSON schema for every success answer and each error status API.md §1 names', async () => {
    const { doc } = await appAndDocument(overrides)
    const problems: string[] = []
    for (const { method, path, op } of operations(doc)) {
      const where = `${method} ${path}`
      const statuses = Object.keys(op.responses)
      const successes = statuses.filter((s) => s.startsWith('2'))
      if (successes.length === 0) problems.push(`${where}: no success response`)
      for (const s of successes) {
        const content = deref<Json>(doc, op.responses[s]).content as Json | undefined
        if (s !== '204' && !content?.['application/json']) problems.push(`${where}: ${s} has no JSON schema`)
      }
      const expected = ['405']
      if (op.requestBody || method !== 'get') expected.push('400', '413', '415')
      const authenticated = (op.security ?? []).length > 0 && op.security!.every((r) => Object.keys(r).length > 0)
      if (authenticated) expected.push('401')
      for (const s of expected) if (!statuses.includes(s)) problems.push(`${where}: ${s} not documented`)
    }
    expect(problems).toEqual([])
  })

  it('offers each request body as JSON, urlencoded and multipart, from one schema', async () => {
    const { doc } = await appAndDocument(overrides)
    for (const { method, path, op } of operations(doc)) {
      const body = op.requestBody as { content: Record<string, { schema: unknown }> } | undefined
      if (!body) continue
      const types = Object.keys(body.content).sort()
      expect({ where: `${method} ${path}`, types }).toEqual({
        where: `${method} ${path}`,
        types: ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data'],
      })
      const schemas = new Set(Object.values(body.content).map((c) => JSON.stringify(c.schema)))
      expect(schemas.size).toBe(1)
    }
  })

  it('only names security schemes it defines', async () => {
    const { doc } = await appAndDocument(overrides)
    const schemes = (doc.components.securitySchemes ?? {}) as Json
    for (const { op } of operations(doc)) {
      for (const requirement of op.security ?? []) for (const name of Object.keys(requirement)) expect(Object.keys(schemes)).toContain(name)
    }
  })
})

describe('the document follows the settings', () => {
  it('token mode documents no token/refresh/ or token/verify/ (they do not exist there); JWT mode does', async () => {
    const jwt = Object.keys((await appAndDocument()).doc.paths)
    expect(jwt).toEqual(expect.arrayContaining(['/api/auth/token/refresh/', '/api/auth/token/verify/']))
    const token = Object.keys((await appAndDocument({ authType: 'token' })).doc.paths)
    expect(token.filter((p) => p.startsWith('/api/auth/token/'))).toEqual([])
    expect(token).toContain('/api/auth/login/')
  })

  it("login's answer is documented for the mode: a JWT pair, or a token-mode key", async () => {
    const answer = async (overrides: Partial<Config>) => {
      const { doc } = await appAndDocument(overrides)
      const ok = (doc.paths['/api/auth/login/']!.post as { responses: Record<string, Json> }).responses['200']!
      return deref<Json>(doc, (ok.content as Record<string, { schema: Json }>)['application/json']!.schema)
    }
    expect(Object.keys((await answer({})).properties as Json)).toEqual(expect.arrayContaining(['access_token', 'refresh_token', 'user']))
    expect(Object.keys((await answer({ authType: 'token' })).properties as Json)).toEqual(['key', 'user'])
  })

  it('JWT with cookies: bearer JWT, the auth cookies by their configured names, and the CSRF header', async () => {
    const { doc } = await appAndDocument({ authJwtCookieName: 'my-access', authJwtRefreshCookieName: 'my-refresh' })
    const schemes = doc.components.securitySchemes as Record<string, Json>
    expect(schemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    expect(schemes.cookie).toMatchObject({ type: 'apiKey', in: 'cookie', name: 'my-access' })
    expect(schemes.refreshCookie).toMatchObject({ type: 'apiKey', in: 'cookie', name: 'my-refresh' })
    expect(schemes.csrf).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-CSRFToken' })
    expect(schemes.token).toBeUndefined()
    const intro = (doc.info as Json).description as string
    expect(intro).toContain('HttpOnly cookies (`my-access` and `my-refresh`')
    expect(intro).toContain('X-CSRFToken')
  })

  it('token mode: the Token header, the token cookie, no JWT bearer format', async () => {
    const { doc } = await appAndDocument({ authType: 'token', authTokenCookieName: 'my-token' })
    const schemes = doc.components.securitySchemes as Record<string, Json>
    expect(schemes.token).toMatchObject({ type: 'apiKey', in: 'header', name: 'Authorization' })
    expect(schemes.bearer!.bearerFormat).toBeUndefined()
    expect(schemes.cookie).toMatchObject({ in: 'cookie', name: 'my-token' })
    expect(schemes.refreshCookie).toBeUndefined()
    expect((doc.info as Json).description as string).toContain('AUTH_TYPE=token')
  })

  it('without cookies: no cookie or CSRF scheme, and the description says tokens stay out of cookies', async () => {
    const { doc } = await appAndDocument({ useAuthCookie: false })
    const schemes = doc.components.securitySchemes as Record<string, Json>
    expect(Object.keys(schemes)).toEqual(['bearer'])
    expect((doc.info as Json).description as string).toContain('USE_AUTH_COOKIE=false')
  })

  it('safe methods do not ask for the CSRF header; unsafe cookie-authenticated ones do', async () => {
    const { doc } = await appAndDocument()
    for (const { method, op } of operations(doc)) {
      const withCookie = (op.security ?? []).filter((r) => 'cookie' in r)
      for (const r of withCookie) expect('csrf' in r).toBe(method !== 'get')
    }
  })
})
