// Just enough of an HTTP client to prepare the scenarios through authkit's real API (login, cookies).

/** A scenario that cannot run because the server lacks the route (not built yet) or refused the set-up. */
export class Unavailable extends Error {
  constructor(reason: string) {
    super(reason)
    this.name = 'Unavailable'
  }
}

export const AUTH = '/api/auth'

export interface Answer {
  readonly status: number
  readonly body: Record<string, unknown>
  /** name -> value of every Set-Cookie in the answer. */
  readonly cookies: Record<string, string>
}

/** The name=value part of each Set-Cookie header. */
export function cookiesOf(setCookie: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of setCookie) {
    const pair = line.slice(0, line.indexOf(';') === -1 ? undefined : line.indexOf(';'))
    const eq = pair.indexOf('=')
    if (eq > 0) out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim()
  }
  return out
}

/** `Cookie:` header value a browser would send back. */
export const cookieHeader = (cookies: Record<string, string>) =>
  Object.entries(cookies)
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${k}=${v}`)
    .join('; ')

export async function call(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(base + path, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await res.text()
  let parsed: Record<string, unknown> = {}
  try {
    parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {}
  } catch {
    parsed = { text }
  }
  return { status: res.status, body: parsed, cookies: cookiesOf(res.headers.getSetCookie()) }
}

/** Calls and insists on `expected`; a 404 means the route is not there (yet). */
export async function expect(expected: number, ...args: Parameters<typeof call>): Promise<Answer> {
  const a = await call(...args)
  if (a.status === 404) throw new Unavailable(`unavailable (404 from ${args[1]} ${args[2]})`)
  if (a.status !== expected) throw new Unavailable(`set-up failed: ${args[1]} ${args[2]} answered ${a.status} ${JSON.stringify(a.body).slice(0, 160)}`)
  return a
}

/** Logs in through POST login/ and returns the answer (tokens in the body and/or cookies). */
export const login = (base: string, username: string, password: string) =>
  expect(200, base, 'POST', `${AUTH}/login/`, { username, password })

/** The refresh token of a login or refresh answer: in the body, or (HttpOnly-cookie mode) in its cookie. */
export function refreshTokenOf(a: { body: Record<string, unknown>; cookies: Record<string, string> }): string {
  const inBody = a.body.refresh_token ?? a.body.refresh
  if (typeof inBody === 'string' && inBody) return inBody
  const fromCookie = a.cookies['auth-refresh-jwt']
  if (fromCookie) return decodeURIComponent(fromCookie)
  throw new Unavailable('set-up failed: no refresh token in the login answer')
}

export function stringField(a: Answer, field: string): string {
  const v = a.body[field]
  if (typeof v !== 'string' || !v) throw new Unavailable(`set-up failed: no "${field}" in ${JSON.stringify(a.body).slice(0, 160)}`)
  return v
}
