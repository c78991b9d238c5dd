// The contract test: every operation the document lists is called (a valid request built from its
// schemas for a logged-in test user, in each documented encoding, and the bad requests of API.md §1),
// and every answer must have a documented status, the documented headers, and a body that fits the
// documented schema.
import { describe, expect, it } from 'bun:test'
import { hashParams, hashPassword } from '../../src/users/passwords.ts'
import { createUsersRepo } from '../../src/users/users.repo.ts'
import { createSocialRepo } from '../../src/social/social.repo.ts'
import { createOutboxRepo } from '../../src/mail/outbox.repo.ts'
import type { Config } from '../../src/config/settings.ts'
import type { TestApp } from '../helpers/app.ts'
import { BodyValidator, deref, type Json, type Operation, appAndDocument, operations } from './support.ts'

/**
 * Operations whose valid request needs a secret only an e-mail carries: the documented operation that
 * mails it to the test user is called first, and the link in that mail supplies the fields (`key`, or
 * `uid` and `token`) by name.
 */
const MAILED_SECRETS: Record<string, { mailedBy: string; unverifiedUser?: boolean }> = {
  registration_verify_email_create: { mailedBy: 'registration_resend_email_create', unverifiedUser: true },
  password_reset_confirm_create: { mailedBy: 'password_reset_create' },
}

/** Operations whose path names an object of the user's: makes one and returns the filled-in path. */
const PATH_PARAMS: Record<string, (t: TestApp, who: Identity) => Promise<string>> = {
  async accounts_destroy(t, who) {
    const user = (await createUsersRepo(t.deps.db).byUsername(who.username))!
    const id = await createSocialRepo(t.deps.db).link({ userId: user.id, provider: 'example', uid: who.username, email: who.email, now: t.clock.now() })
    return `/api/auth/social/accounts/${id}/`
  },
}

const SETUPS: [string, Partial<Config>][] = [
  ['JWT with cookies', {}],
  ['JWT, header only', { useAuthCookie: false }],
  ['token mode', { authType: 'token' }],
]

const UNSAFE = new Set(['post', 'put', 'patch', 'delete'])
/** Body fields that carry a token or key: a client may send a wrong one. */
const SECRET_FIELDS = ['refresh', 'token', 'key', 'uid']
const ORIGIN = 'http://localhost'

interface Identity {
  username: string
  email: string
  password: string
}

/** What a logged-in client holds: its header credential, its cookies and the CSRF token. */
interface Session {
  authorization?: string
  access?: string
  refresh?: string
  cookies: Map<string, string>
  /** Secrets from the link of an e-mail the user received (`key`, `uid`, `token`). */
  mailed?: Record<string, string>
}

let counter = 0
const identity = (): Identity => {
  counter++
  return { username: `contract_${counter}`, email: `contract_${counter}@example.com`, password: `Quiet-Harbor-${counter}-Lantern` }
}

async function createUser(t: TestApp, verified = true): Promise<Identity> {
  const who = identity()
  const passwordHash = await hashPassword(who.password, hashParams(t.deps.config))
  await createUsersRepo(t.deps.db).insert({ ...who, passwordHash, emailVerified: verified, now: t.clock.now() })
  return who
}

/** The query parameters of the links in the newest e-mail to `to`. */
async function linkParams(t: TestApp, to: string): Promise<Record<string, string>> {
  const mail = (await createOutboxRepo(t.deps.db).list()).find((m) => m.recipient === to)
  if (!mail) throw new Error(`no e-mail to ${to} in the outbox`)
  const params: Record<string, string> = {}
  for (const [url] of mail.text_body.matchAll(/https?:\/\/\S+/g)) for (const [k, v] of new URL(url).searchParams) params[k] = v
  return params
}

function readCookies(res: Response, into: Map<string, string>) {
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(';')
    const eq = pair!.indexOf('=')
    const name = pair!.slice(0, eq).trim()
    const value = pair!.slice(eq + 1).trim()
    if (/max-age=0/i.test(line) || value === '') into.delete(name)
    else into.set(name, value)
  }
}

const cookieHeader = (cookies: Map<string, string>) => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ')

interface Ctx {
  t: TestApp
  doc: Json
  validator: BodyValidator
  ops: Operation[]
}

/** Logs `who` in through the documented login operation (when there is one). */
async function logIn(ctx: Ctx, who: Identity): Promise<Session> {
  const session: Session = { cookies: new Map() }
  const login = ctx.ops.find((o) => o.op.operationId === 'login_create')
  if (!login) return session
  const res = await ctx.t.req(login.path, { method: 'POST', json: { username: who.username, password: who.password } })
  if (res.status !== 200) throw new Error(`test login failed: ${res.status} ${await res.text()}`)
  readCookies(res, session.cookies)
  const body = (await res.json()) as { access_token?: string; refresh_token?: string; key?: string }
  session.access = body.access_token ?? body.key
  session.refresh = body.refresh_token || undefined
  if (body.access_token) session.authorization = `Bearer ${body.access_token}`
  else if (body.key) session.authorization = `Token ${body.key}`
  return session
}

type Schema = Json & { properties?: Record<string, Json>; required?: string[] }

/** A value for field `name` that a real client of this user would send. */
function fieldValue(name: string, schema: Schema, who: Identity, fresh: Identity, creating: boolean, s: Session): unknown {
  if (s.mailed && name in s.mailed) return s.mailed[name]
  const known: Record<string, unknown> = {
    username: creating ? fresh.username : who.username,
    email: creating ? fresh.email : who.email,
    password: who.password,
    old_password: who.password,
    password1: fresh.password,
    password2: fresh.password,
    new_password1: fresh.password,
    new_password2: fresh.password,
    refresh: s.refresh,
    token: s.access,
    first_name: 'Ada',
    last_name: 'Lovelace',
    key: 'not-a-real-key',
    uid: 'not-a-real-uid',
  }
  if (name in known) return known[name]
  if (Array.isArray(schema.enum)) return schema.enum[0]
  if (schema.type === 'boolean') return true
  if (schema.type === 'integer' || schema.type === 'number') return (schema.minimum as number | undefined) ?? 1
  if (schema.format === 'email') return who.email
  return 'x'.repeat(Math.max(1, (schema.minLength as number | undefined) ?? 1))
}

/** The body a well-behaved client sends: required fields, plus the optional ones it has a value for. */
function sampleBody(doc: Json, schema: Schema, who: Identity, fresh: Identity, s: Session): Record<string, unknown> {
  const resolved = deref<Schema>(doc, schema)
  const props = resolved.properties ?? {}
  const required = new Set(resolved.required ?? [])
  const creating = 'password1' in props
  const body: Record<string, unknown> = {}
  for (const [name, prop] of Object.entries(props)) {
    const value = fieldValue(name, deref<Schema>(doc, prop), who, fresh, creating, s)
    const optionalKnown = ['first_name', 'last_name', 'refresh', 'username', 'email'].includes(name)
    if (value === undefined || (!required.has(name) && !optionalKnown)) continue
    body[name] = value
  }
  // Login by username or e-mail: a client sends one of them.
  if (!required.has('username') && !required.has('email') && 'username' in body && 'email' in body) delete body.email
  return body
}

const requestSchema = (op: Operation['op']) =>
  ((op.requestBody as { content?: Record<string, { schema: Schema }> } | undefined)?.content?.['application/json']?.schema)

const needsCredentials = (op: Operation['op']) => (op.security ?? []).length > 0 && op.security!.every((r) => Object.keys(r).length > 0)

interface Call {
  name: string
  expect?: (status: number) => boolean
  expectText?: string
  init: RequestInit & { json?: unknown }
  /** The path with its parameters filled in, when the operation has any. */
  path?: string
}

/** A request to make on a fresh session of its own (a probe may log out or change the password). */
type Probe = (s: Session) => Call

function probes(ctx: Ctx, o: Operation, who: Identity): Probe[] {
  const { op, method } = o
  const schema = requestSchema(op)
  const bodyFor = (s: Session) => (schema ? sampleBody(ctx.doc, schema, who, identity(), s) : undefined)
  /** The body without what could identify a session by itself (a refresh token logs out too). */
  const anonymousBody = (s: Session) => {
    const body = bodyFor(s)
    return body && Object.fromEntries(Object.entries(body).filter(([k]) => k !== 'refresh'))
  }
  const M = method.toUpperCase()
  const schemes = (ctx.doc.components as Json).securitySchemes as Record<string, Json>
  const headers = (s: Session, extra: Record<string, string> = {}) => ({
    ...(s.authorization ? { authorization: s.authorization } : {}),
    ...extra,
  })
  const list: Probe[] = []
  if (UNSAFE.has(method)) {
    const required = schema ? (deref<Schema>(ctx.doc, schema).required ?? []) : []
    // With required fields an empty body is a 400; without any it still must answer as documented.
    list.push((s) =>
      required.length
        ? { name: 'missing fields', expect: (st) => st === 400, expectText: '400', init: { method: M, headers: headers(s), json: {} } }
        : { name: 'empty body', init: { method: M, headers: headers(s), json: {} } },
    )
    const props = schema ? Object.keys(deref<Schema>(ctx.doc, schema).properties ?? {}) : []
    if (props.some((k) => SECRET_FIELDS.includes(k))) {
      list.push((s) => ({
        name: 'made-up tokens or keys',
        init: {
          method: M,
          headers: headers(s),
          json: { ...bodyFor(s), ...Object.fromEntries(props.filter((k) => SECRET_FIELDS.includes(k)).map((k) => [k, 'made-up-secret'])) },
        },
      }))
    }
    list.push((s) => ({
      name: 'malformed JSON',
      expect: (st) => st === 400,
      expectText: '400',
      init: { method: M, headers: headers(s, { 'content-type': 'application/json' }), body: '{"oops' },
    }))
    list.push((s) => ({
      name: 'wrong content type',
      expect: (st) => st === 415,
      expectText: '415',
      init: { method: M, headers: headers(s, { 'content-type': 'text/plain' }), body: 'hello' },
    }))
    const limit = ctx.t.deps.config.dataUploadMaxMemorySize
    list.push((s) => ({
      name: 'body over the limit',
      expect: (st) => st === 413,
      expectText: '413',
      init: { method: M, headers: headers(s, { 'content-type': 'application/json' }), body: JSON.stringify({ pad: 'x'.repeat(limit) }) },
    }))
  }
  if (needsCredentials(op)) {
    list.push((s) => ({ name: 'no credentials', expect: (st) => st === 401, expectText: '401', init: { method: M, json: anonymousBody(s) } }))
    list.push((s) => ({
      name: 'a bad token',
      expect: (st) => st === 401,
      expectText: '401',
      init: { method: M, headers: { authorization: 'Bearer not-a-token' }, json: anonymousBody(s) },
    }))
    if (schemes.cookie && UNSAFE.has(method)) {
      list.push((s) => ({
        name: 'auth cookie without X-CSRFToken',
        expect: (st) => st === 403,
        expectText: '403',
        init: { method: M, headers: { cookie: cookieHeader(s.cookies), origin: ORIGIN }, json: anonymousBody(s) },
      }))
    }
  }
  // The refresh cookie is a credential a browser sends by itself: without the CSRF header it is refused.
  const refreshCookie = schemes.refreshCookie?.name as string | undefined
  if (refreshCookie && UNSAFE.has(method) && (op.security ?? []).some((r) => 'refreshCookie' in r)) {
    list.push((s) => ({
      name: 'refresh cookie without X-CSRFToken',
      expect: (st) => st === 403,
      expectText: '403',
      init: { method: M, headers: { cookie: `${refreshCookie}=${s.cookies.get(refreshCookie)}`, origin: ORIGIN }, json: {} },
    }))
  }
  return list
}

/** The well-behaved call: header credential, the cookies of the login, and the CSRF header a page would add. */
type Encoding = 'application/json' | 'application/x-www-form-urlencoded' | 'multipart/form-data'

/** `body` as the client would send it in `encoding`: JSON, a URL-encoded form, or multipart form data. */
function encode(body: Record<string, unknown>, encoding: Encoding): RequestInit & { json?: unknown } {
  if (encoding === 'application/json') return { json: body }
  const fields = Object.entries(body).map(([k, v]) => [k, String(v)] as [string, string])
  if (encoding === 'application/x-www-form-urlencoded') {
    return { headers: { 'content-type': encoding }, body: new URLSearchParams(fields).toString() }
  }
  const form = new FormData()
  for (const [k, v] of fields) form.append(k, v)
  return { body: form } // the boundary goes into the content-type by itself
}

function validCall(ctx: Ctx, o: Operation, who: Identity, s: Session, via: 'header' | 'cookie', encoding: Encoding): Call {
  const schema = requestSchema(o.op)
  const body = schema ? sampleBody(ctx.doc, schema, who, identity(), s) : undefined
  const encoded = body ? encode(body, encoding) : {}
  const headers: Record<string, string> = { origin: ORIGIN, ...(encoded.headers as Record<string, string> | undefined) }
  if (via === 'header' && s.authorization) headers.authorization = s.authorization
  if (s.cookies.size) headers.cookie = cookieHeader(s.cookies)
  const csrf = s.cookies.get('csrftoken')
  if (csrf) headers['x-csrftoken'] = csrf
  return {
    name: `valid request (${via}${body ? `, ${encoding}` : ''})`,
    expect: (st) => st >= 200 && st < 300,
    expectText: 'a 2xx',
    init: { method: o.method.toUpperCase(), ...encoded, headers },
  }
}

async function check(ctx: Ctx, o: Operation, call: Call, problems: string[]) {
  const res = await ctx.t.req(call.path ?? o.path, call.init)
  const where = `${call.name}: ${res.status}`
  if (call.expect && !call.expect(res.status)) problems.push(`${where}, expected ${call.expectText}: ${await res.clone().text()}`)
  for (const p of await ctx.validator.checkResponse(o.op, res)) problems.push(`${call.name}: ${p}`)
}

for (const [setupName, overrides] of SETUPS) {
  const { t, doc } = await appAndDocument(overrides)
  const ctx: Ctx = { t, doc, validator: new BodyValidator(doc), ops: operations(doc) }
  const cookieMode = 'cookie' in ((doc.components as Json).securitySchemes as Json)

  describe(`every documented operation answers as documented (${setupName})`, () => {
    it.each(ctx.ops.map((o) => [`${o.op.operationId} (${o.method.toUpperCase()} ${o.path})`, o] as const))('%s', async (_n, o) => {
      const problems: string[] = []
      const who = await createUser(t)
      for (const probe of probes(ctx, o, who)) await check(ctx, o, probe(await logIn(ctx, who)), problems)
      // The valid calls last, each by a user of its own: logout or a password change ends the session.
      // Each documented encoding of the body, then (with cookies) the way a browser page calls.
      const encodings = Object.keys((o.op.requestBody as { content?: Json } | undefined)?.content ?? { 'application/json': {} }) as Encoding[]
      const variants: ['header' | 'cookie', Encoding][] = encodings.map((encoding) => ['header', encoding])
      if (cookieMode && needsCredentials(o.op)) variants.push(['cookie', 'application/json'])
      const mailed = MAILED_SECRETS[o.op.operationId]
      for (const [via, encoding] of variants) {
        const user = await createUser(t, !mailed?.unverifiedUser)
        const session = mailed?.unverifiedUser ? { cookies: new Map<string, string>() } : await logIn(ctx, user)
        if (mailed) {
          const sender = ctx.ops.find((x) => x.op.operationId === mailed.mailedBy)!
          const sent = await t.req(sender.path, { method: sender.method.toUpperCase(), json: { email: user.email } })
          expect({ mailedBy: mailed.mailedBy, status: sent.status }).toEqual({ mailedBy: mailed.mailedBy, status: 200 })
          session.mailed = await linkParams(t, user.email)
        }
        const path = await PATH_PARAMS[o.op.operationId as string]?.(t, user)
        await check(ctx, o, { ...validCall(ctx, o, user, session, via, encoding), path }, problems)
      }
      expect(problems).toEqual([])
    })

    const paths = [...new Set(ctx.ops.map((o) => o.path))]
    it.each(paths)('%s answers an undocumented method with the documented 405', async (path) => {
      const documented = ctx.ops.filter((o) => o.path === path)
      const method = ['delete', 'put', 'patch', 'post', 'get'].find((m) => !documented.some((o) => o.method === m))!
      const res = await t.req(path, { method: method.toUpperCase() })
      expect(res.status).toBe(405)
      expect(await ctx.validator.checkResponse(documented[0]!.op, res)).toEqual([])
    })
  })
}
