// Fuzzing (API.md §13): every operation in the app's own OpenAPI document, fed generated bodies, encodings,
// headers and Host values, never answers 5xx, and an answer in the 4xx range changes nothing in the database.
// Runs FUZZ_RUNS cases per operation (default 25, ~400 in all); FUZZ_SEED replays a failure (fast-check
// prints the seed and path of the shrunk counterexample).
import { afterAll, describe, expect, it } from 'bun:test'
import fc from 'fast-check'
import type { Config } from '../../src/config/settings.ts'
import type { Database } from '../../src/db/open.ts'
import { GOOD_PASSWORD } from '../accounts/helpers.ts'
import { createUser } from '../auth/helpers.ts'
import { type TestApp, makeTestApp } from '../helpers/app.ts'
import { selectAll } from '../helpers/db.ts'
import { rawRequest } from '../helpers/raw-http.ts'
import { serve } from '../../src/http/server.ts'
import { silentLogger } from '../../src/http/logger.ts'

const RUNS = Number(process.env.FUZZ_RUNS ?? 25)
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED)

// Tables a refused request may legitimately change: `throttle` holds the rate-limit and failed-login counters,
// and counting refused attempts (a wrong password is a 400, a throttled one a 429) is its whole purpose;
// `audit_log` records a refused login (login_failed, login_throttled), a security event on record.
const MAY_CHANGE_ON_REFUSAL = new Set(['throttle', 'audit_log'])

type Schema = { type?: string | string[]; properties?: Record<string, Schema>; required?: string[]; format?: string; pattern?: string; minLength?: number; maxLength?: number; $ref?: string }
interface Operation {
  method: string
  path: string
  body: Schema | null
}

/** Every table's rows, in order, as one comparable value. */
async function snapshot(db: Database): Promise<Record<string, unknown[]>> {
  const tables = await selectAll<{ name: string }>(
    db,
    db.engine === 'sqlite'
      ? "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
      : 'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name',
  )
  const out: Record<string, unknown[]> = {}
  for (const { name } of tables) {
    if (MAY_CHANGE_ON_REFUSAL.has(name)) continue
    // Ordered by every column: PostgreSQL has no rowid, and a refused request must leave each table as it was.
    out[name] = await selectAll(db, `SELECT * FROM "${name}" ORDER BY 1`)
  }
  return out
}

async function operations(t: TestApp): Promise<Operation[]> {
  const doc = (await (await t.req('/api/schema/')).json()) as {
    paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: Schema }> } }>>
    components: { schemas: Record<string, Schema> }
  }
  const resolve = (s: Schema): Schema => (s.$ref ? doc.components.schemas[s.$ref.split('/').pop()!]! : s)
  const ops: Operation[] = []
  for (const [path, byMethod] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(byMethod)) {
      const content = op.requestBody?.content
      const schema = content ? Object.values(content)[0]?.schema : undefined
      ops.push({ method: method.toUpperCase(), path, body: schema ? resolve(schema) : null })
    }
  return ops
}

/** The credentials a case may borrow: a real user's access/refresh tokens, cookies and CSRF token. */
interface Creds {
  access: string
  refresh: string
  csrf: string
  cookies: string
}

async function loggedIn(t: TestApp): Promise<Creds> {
  await createUser(t, { username: 'ann', email: 'ann@example.com', password: GOOD_PASSWORD })
  const res = await t.req('/api/auth/login/', { method: 'POST', json: { username: 'ann', password: GOOD_PASSWORD } })
  expect(res.status).toBe(200)
  // JWT mode answers access_token/refresh_token, token mode a key.
  const body = (await res.json()) as { access_token?: string; refresh_token?: string; key?: string }
  const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0]!)
  const csrf = cookies.find((c) => c.startsWith('csrftoken='))?.slice('csrftoken='.length) ?? ''
  const refresh = body.refresh_token || (cookies.find((c) => c.startsWith('auth-refresh-jwt='))?.split('=')[1] ?? '')
  return { access: body.access_token ?? body.key ?? '', refresh, csrf, cookies: cookies.join('; ') }
}

const huge = fc.constantFrom('x'.repeat(5_000), 'é'.repeat(70_000), '\u0000'.repeat(300))
const nasty = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('\u0000', 'a\u0000b', '\u202Eevil', '../../etc/passwd', "' OR 1=1 --", '<script>alert(1)</script>', '%00', '${7*7}', '__proto__', ' ', ''),
  huge,
)
/** A value of any JSON type, nested junk included. */
const junk = fc.oneof(
  { depthSize: 'small' },
  nasty,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 3 }),
  fc.constant({ __proto__: { admin: true } }),
)

/** Real values for a property (the user's name, password, tokens): they get cases past validation to the handler. */
function realValues(name: string, creds: Creds): string[] {
  if (/password/.test(name)) return [GOOD_PASSWORD, 'Another-good-Pass-42']
  if (name === 'username') return ['ann', 'bob', 'ann@example.com']
  if (name === 'email') return ['nobody@example.com', 'ann@example.com']
  if (name === 'refresh' || name === 'token') return [creds.refresh, creds.access]
  return []
}

/** A plausible value for one property, often a real one. */
function fieldValue(name: string, s: Schema, creds: Creds): fc.Arbitrary<unknown> {
  const real = realValues(name, creds)
  const typed =
    s.format === 'email'
      ? fc.emailAddress()
      : s.pattern
        ? fc.stringMatching(new RegExp(s.pattern), { maxLength: s.maxLength ?? 50 })
        : fc.string({ minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 60, 60) })
  return real.length ? fc.oneof({ arbitrary: fc.constantFrom(...real), weight: 3 }, { arbitrary: typed, weight: 1 }) : typed
}

/** Bodies: real values only, valid-ish from the schema, the schema's fields with hostile values, or anything at all. */
function bodies(schema: Schema | null, creds: Creds): fc.Arbitrary<unknown> {
  const props = Object.entries(schema?.properties ?? {})
  if (props.length === 0) return fc.oneof(fc.constant({}), junk, fc.dictionary(fc.string({ maxLength: 10 }), junk, { maxKeys: 4 }))
  const known = props.filter(([n]) => realValues(n, creds).length > 0)
  const real = fc.record(Object.fromEntries(known.map(([n]) => [n, fc.constantFrom(...realValues(n, creds))])))
  const validish = fc.record(Object.fromEntries(props.map(([n, s]) => [n, fieldValue(n, s, creds)])), {
    requiredKeys: schema?.required ?? [],
  })
  const hostile = fc.record(Object.fromEntries(props.map(([n]) => [n, junk])), { requiredKeys: [] })
  return fc.oneof(real, validish, validish, hostile, junk)
}

type Encoding = 'json' | 'urlencoded' | 'multipart' | 'malformed-json' | 'text/plain' | 'no-content-type' | 'xml' | 'json-wrong-charset' | 'none'
const encodings = fc.oneof(
  { arbitrary: fc.constantFrom<Encoding>('json', 'urlencoded', 'multipart'), weight: 4 },
  { arbitrary: fc.constantFrom<Encoding>('malformed-json', 'text/plain', 'no-content-type', 'xml', 'json-wrong-charset', 'none'), weight: 1 },
)

const flat = (v: unknown): [string, string][] =>
  v !== null && typeof v === 'object' && !Array.isArray(v)
    ? Object.entries(v).map(([k, x]) => [k, typeof x === 'string' ? x : JSON.stringify(x) ?? ''])
    : [['value', String(v)]]

function encode(body: unknown, enc: Encoding, cut: number): { body?: BodyInit; type?: string } {
  const json = JSON.stringify(body) ?? 'null'
  switch (enc) {
    case 'json':
      return { body: json, type: 'application/json' }
    case 'json-wrong-charset':
      return { body: json, type: 'application/json; charset=utf-16' }
    case 'malformed-json':
      return { body: `${json.slice(0, cut % (json.length + 1))}\u0000{,"`, type: 'application/json' }
    case 'urlencoded':
      return { body: new URLSearchParams(flat(body)).toString(), type: 'application/x-www-form-urlencoded' }
    case 'multipart': {
      const f = new FormData()
      for (const [k, v] of flat(body)) f.append(k, v)
      return { body: f } // fetch sets the multipart type with its boundary
    }
    case 'text/plain':
      return { body: json, type: 'text/plain' }
    case 'xml':
      return { body: `<a>${json}</a>`, type: 'application/xml' }
    case 'no-content-type':
      return { body: new TextEncoder().encode(json) }
    case 'none':
      return {}
  }
}

/** Header values as a client or attacker could send them (printable ASCII: anything else fetch refuses itself). */
const headerJunk = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 80 })
/** Mostly absent or well-formed (so most cases get past the Host and CSRF checks to the handler), sometimes hostile. */
const mostly = <T>(usual: fc.Arbitrary<T>, hostile: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: usual, weight: 4 }, { arbitrary: hostile, weight: 1 })
const absent = fc.constant(undefined)
function headers(creds: Creds) {
  return fc
    .record({
      host: mostly(fc.constantFrom(undefined, 'localhost', '127.0.0.1:8000', '[::1]'), fc.oneof(fc.constantFrom('evil.example', 'localhost.evil.example', 'a@b', 'x', ''), headerJunk)),
      authorization: mostly(
        fc.constantFrom(undefined, `Bearer ${creds.access}`),
        fc.oneof(
          fc.constantFrom(`Bearer ${creds.refresh}`, `bearer ${creds.access}`, `Bearer ${creds.access}x`, 'Bearer', 'Basic YW5uOnB3', `Token ${creds.access}`),
          headerJunk.map((j) => `Bearer ${j}`),
        ),
      ),
      cookie: mostly(fc.constantFrom(undefined, creds.cookies), fc.oneof(fc.constantFrom(`auth-jwt=${creds.access}`, `auth-refresh-jwt=${creds.refresh}`, `csrftoken=${creds.csrf}`, 'auth-jwt=garbage; csrftoken='), headerJunk)),
      origin: mostly(fc.constantFrom(undefined, 'http://localhost'), fc.oneof(fc.constantFrom('https://evil.example', 'null', 'http://localhost:1'), headerJunk)),
      'x-csrftoken': mostly(fc.constantFrom(undefined, creds.csrf), headerJunk),
      referer: mostly(absent, fc.constantFrom('http://localhost/', 'https://evil.example/')),
      'x-forwarded-proto': mostly(absent, fc.constantFrom('https', 'http')),
      'x-forwarded-for': mostly(absent, fc.constantFrom('10.0.0.1', 'junk, 1.1.1.1')),
    })
    .map((h) => Object.fromEntries(Object.entries(h).filter(([, v]) => v !== undefined)) as Record<string, string>)
}

/** The URL Bun.serve hands the app: built from the Host header (so a forged Host reaches routing, as on a socket). */
function urlAsServed(host: string | null, path: string): string {
  try {
    return new URL(`http://${host ?? 'localhost'}${path}`).href
  } catch {
    return `http://localhost${path}`
  }
}

const MODES: [string, Partial<Config>][] = [
  ['JWT mode', {}],
  ['token mode', { authType: 'token' }],
  ['JWT mode, USE_MFA', { useMfa: true }],
  ['passkeys and sign-in links on', { usePasskeys: true, useEmailLinkLogin: true }],
]

describe('fuzzing every operation in /api/schema/', () => {
  for (const [mode, config] of MODES) {
    it(`never answers 5xx, and a 4xx changes nothing in the database (${mode}: every operation, generated bodies, encodings, headers and Hosts)`, async () => {
      const ops = await operations(makeTestApp(config))
      expect(ops.length).toBeGreaterThanOrEqual(13)
      const tally = new Map<string, number>()
      for (const op of ops) {
        // A fresh app and user per operation: a 2xx (a logout, a password change) may spend the credentials.
        const t = makeTestApp({ ...config, corsAllowedOrigins: ['http://localhost:1'] })
        const creds = await loggedIn(t)
        const method = fc.oneof(fc.constant(op.method), fc.constant(op.method), fc.constant(op.method), fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'HEAD'))
        const cases = fc.record({ method, slash: fc.boolean(), body: bodies(op.body, creds), enc: encodings, cut: fc.nat(), headers: headers(creds) })
        await fc.assert(
          fc.asyncProperty(cases, async (c) => {
            const { body, type } = encode(c.body, c.enc, c.cut)
            const h = new Headers(c.headers)
            if (type) h.set('content-type', type)
            const path = c.slash ? op.path : op.path.replace(/\/$/, '')
            const hasBody = c.method !== 'GET' && c.method !== 'HEAD'
            const before = await snapshot(t.deps.db)
            const res = await t.app.handle(new Request(urlAsServed(h.get('host'), path), { method: c.method, headers: h, body: hasBody ? body : undefined }))
            const text = await res.text()
            const label = `${c.method} ${path} (${c.enc}) -> ${res.status} ${text.slice(0, 200)}`
            tally.set(`${op.method} ${op.path} ${res.status}`, (tally.get(`${op.method} ${op.path} ${res.status}`) ?? 0) + 1)
            if (res.status >= 500) throw new Error(`5xx: ${label}`)
            if (res.status >= 400) expect(await snapshot(t.deps.db), `a ${label} changed the database`).toEqual(before)
          }),
          { numRuns: RUNS, seed: SEED, endOnFailure: false, verbose: 1 },
        )
      }
      // FUZZ_STATS=1 prints how often each operation answered each status, to see how deep the cases reach.
      if (process.env.FUZZ_STATS) console.log([...tally].sort().map(([k, n]) => `${n}\t${k}`).join('\n'))
    }, 120_000)
  }
})

describe('fuzzing the socket: Host values and request lines only a raw socket can send', () => {
  const running: { stop(force?: boolean): unknown }[] = []
  afterAll(() => {
    for (const s of running.splice(0)) s.stop(true)
  })

  it('never answers 5xx and changes nothing for any Host, request target or method (real socket, Bun.serve)', async () => {
    const t = makeTestApp({ corsAllowedOrigins: ['http://localhost:1'] })
    const creds = await loggedIn(t)
    const server = serve(t.app, { port: 0, hostname: '127.0.0.1', maxBodySize: 65536, accessLog: false, log: silentLogger })
    running.push(server)
    const ops = await operations(t)
    const token = fc.string({ unit: fc.constantFrom(...'abcXYZ019-._~:/?#[]@!$&\'()*+,;=%'.split('')), maxLength: 30 })
    const cases = fc.record({
      op: fc.constantFrom(...ops),
      host: fc.oneof(fc.constantFrom<string | null>(null, 'localhost', '', 'a@b', 'a/b', '%', 'x', 'localhost:port', '[::1', '127.0.0.1@evil.example'), token),
      prefix: fc.constantFrom('', '/zz', '//', '/./', '/%2e%2e', 'http://localhost', '*'),
      suffix: fc.constantFrom('', '?', '?a=%', '#x', '%00', '/..'),
      method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'TRACE', 'BREW'),
      auth: fc.boolean(),
      body: fc.option(fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v))),
    })
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const before = await snapshot(t.deps.db)
        const headers: Record<string, string> = { 'content-type': 'application/json' }
        if (c.auth) headers.authorization = `Bearer ${creds.access}`
        const path = c.prefix === '*' ? '*' : `${c.prefix}${c.op.path}${c.suffix}`
        const res = await rawRequest(server.port!, { host: c.host, path, method: c.method, headers, ...(c.body === null || c.method === 'HEAD' ? {} : { body: c.body }) })
        const label = `${c.method} ${path} Host ${JSON.stringify(c.host)} -> ${res.status} ${res.body.slice(0, 200)}`
        // No status line at all: Bun's HTTP parser closed the connection on a request line it refuses (an
        // unknown method), before the app saw it; that is a refusal, not a crash.
        if (res.status >= 500) throw new Error(`5xx: ${label}`)
        if (res.status >= 400) expect(await snapshot(t.deps.db), `${label} changed the database`).toEqual(before)
      }),
      { numRuns: RUNS * 4, seed: SEED, verbose: 1 },
    )
  }, 120_000)
})
