// The load scenarios against authkit: each prepares its credentials through the real API, then returns
// the request autocannon repeats. A missing route makes the scenario "unavailable", never a crash.
import type { Request } from 'autocannon'
import { Secret, TOTP } from 'otpauth'
import { AUTH, cookieHeader, cookiesOf, expect, login, refreshTokenOf, stringField, Unavailable } from './api.ts'

/** The account every authenticated scenario logs in as (created with `authkit users create --verified`). */
export const BENCH_USER = { username: 'bench', email: 'bench@example.com', password: 'Bench-pass-7f3kQ!x' }

export interface Prepared {
  readonly request: Request
  /** Send exactly this many requests instead of running for the set duration. */
  readonly amount?: number
  /**
   * With `amount`: this many requests first, unmeasured, as the warm-up (each request is single-use, so
   * a timed warm-up would eat into the pool the measured run needs).
   */
  readonly warmupAmount?: number
  readonly note?: string
}

export interface Scenario {
  readonly id: string
  readonly label: string
  /** Which authkit instance it runs on. */
  readonly instance: 'eddsa' | 'hs256' | 'token' | 'mfa'
  prepare(base: string, ctx: { connections: number }): Promise<Prepared>
}

/**
 * Access tokens the refresh scenario was handed, all distinct and live. authkit remembers access tokens
 * whose signature it already checked, so a client repeating one token (the other GET user/ scenarios,
 * and real clients within a token's lifetime) mostly skips the EdDSA check; `user-eddsa-new` sends each
 * of these once to measure the path where every request pays for it, as the floor server does.
 */
const harvested: string[] = []
const HARVEST_MAX = 40_000

const getUser = (headers: Record<string, string>): Request => ({ method: 'GET', path: `${AUTH}/user/`, headers })

/** Checks once that the prepared request really gets 200 before loading it (a 404 means: not built yet). */
async function probe(base: string, request: Request): Promise<Prepared> {
  await expect(200, base, request.method ?? 'GET', request.path ?? '/', undefined, request.headers)
  return { request }
}

async function inParallel<T>(n: number, width: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = []
  let next = 0
  const lane = async () => {
    while (next < n) {
      const i = next++
      out[i] = await task(i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(width, n) }, lane))
  return out
}

const bearerUser = (id: string, label: string, instance: Scenario['instance']): Scenario => ({
  id,
  label,
  instance,
  async prepare(base) {
    const a = await login(base, BENCH_USER.username, BENCH_USER.password)
    return probe(base, getUser({ authorization: `Bearer ${stringField(a, 'access_token')}` }))
  },
})

/** The app (TOTP) code of `secret` one step ahead: inside the default window, and later than the step that confirmed it. */
const nextTotp = (secret: string) =>
  new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: Date.now() + 30_000 })

/** Logs `who` in (no MFA yet), sets up and confirms the app method; returns its secret. */
async function enrolApp(base: string, who: { username: string; password: string }): Promise<string> {
  const a = await login(base, who.username, who.password)
  const auth = { authorization: `Bearer ${stringField(a, 'access_token')}` }
  const created = await expect(201, base, 'POST', `${AUTH}/mfa/`, { method: 'app' }, auth)
  const qr = (created.body.setup_data as { qr_link?: string } | undefined)?.qr_link ?? ''
  const secret = new URL(qr).searchParams.get('secret')
  if (!secret) throw new Unavailable('set-up failed: no secret in qr_link')
  const code = new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate()
  await expect(200, base, 'POST', `${AUTH}/mfa/confirm/`, { method: 'app', code }, auth)
  return secret
}

/** Users for mfa-verify: a TOTP code works once per method and step, so each verification needs its own user. */
const MFA_VERIFY_USERS = 3000

export const SCENARIOS: readonly Scenario[] = [
  bearerUser('user-eddsa', 'GET user/ (Bearer JWT, EdDSA)', 'eddsa'),
  bearerUser('user-hs256', 'GET user/ (Bearer JWT, HS256)', 'hs256'),
  {
    id: 'user-cookie',
    label: 'GET user/ (auth cookie, EdDSA)',
    instance: 'eddsa',
    async prepare(base) {
      const a = await login(base, BENCH_USER.username, BENCH_USER.password)
      if (!a.cookies['auth-jwt']) throw new Unavailable('set-up failed: login set no auth-jwt cookie')
      // Everything a browser would send back, refresh cookie and csrftoken included.
      return probe(base, getUser({ cookie: cookieHeader(a.cookies) }))
    },
  },
  {
    id: 'user-token',
    label: 'GET user/ (token mode, Authorization: Token)',
    instance: 'token',
    async prepare(base) {
      const a = await login(base, BENCH_USER.username, BENCH_USER.password)
      return probe(base, getUser({ authorization: `Token ${stringField(a, 'key')}` }))
    },
  },
  {
    id: 'refresh',
    label: 'POST token/refresh/ (rotation on)',
    instance: 'eddsa',
    async prepare(base, { connections }) {
      // Rotation makes every refresh token single-use, so each request presents the token the previous
      // answer returned. A shared pool holds one live token per session; in-flight requests abandoned at
      // the end of the warm-up lose theirs, hence twice the connections plus slack.
      const pool = await inParallel(connections * 2 + 10, 8, async () =>
        refreshTokenOf(await login(base, BENCH_USER.username, BENCH_USER.password)),
      )
      // Check the route exists and rotates before loading it.
      const first = await expect(200, base, 'POST', `${AUTH}/token/refresh/`, { refresh: pool.pop() })
      pool.push(refreshTokenOf(first))
      const request: Request = {
        method: 'POST',
        path: `${AUTH}/token/refresh/`,
        headers: { 'content-type': 'application/json' },
        setupRequest: (req) => ({ ...req, body: JSON.stringify({ refresh: pool.pop() ?? 'pool-ran-dry' }) }),
        onResponse(status, body, _ctx, headers) {
          if (status !== 200) return
          const setCookie = headers['set-cookie'] ?? []
          const cookies = cookiesOf(Array.isArray(setCookie) ? setCookie : [setCookie])
          const answer = JSON.parse(body) as Record<string, unknown>
          pool.push(refreshTokenOf({ body: answer, cookies }))
          if (typeof answer.access_token === 'string' && harvested.length < HARVEST_MAX) harvested.push(answer.access_token)
        },
      }
      return { request }
    },
  },
  {
    id: 'user-eddsa-new',
    label: 'GET user/ (Bearer EdDSA, every request a new token)',
    instance: 'eddsa',
    async prepare(base, { connections }) {
      if (harvested.length < connections * 20) throw new Unavailable('unavailable (needs the tokens the refresh scenario collects)')
      const tokens = harvested.splice(0)
      await probe(base, getUser({ authorization: `Bearer ${tokens.pop()}` }))
      let next = 0
      return {
        request: { ...getUser({}), setupRequest: (req) => ({ ...req, headers: { authorization: `Bearer ${tokens[next++ % tokens.length]}` } }) },
        amount: tokens.length,
        note: `${tokens.length} distinct tokens, each sent once`,
      }
    },
  },
  {
    id: 'login',
    label: 'POST login/ (correct password)',
    instance: 'eddsa',
    async prepare(base) {
      await login(base, BENCH_USER.username, BENCH_USER.password)
      const request: Request = {
        method: 'POST',
        path: `${AUTH}/login/`,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: BENCH_USER.username, password: BENCH_USER.password }),
      }
      return { request }
    },
  },
  {
    id: 'registration',
    label: 'POST registration/ (verification mandatory)',
    instance: 'eddsa',
    async prepare(base) {
      let n = 0
      const body = () => {
        const name = `reg${++n}x${Date.now().toString(36)}`
        // A password no validator objects to (length, common list, numeric, similarity to the name).
        return JSON.stringify({ username: name, email: `${name}@example.com`, password1: 'Vq7!mZ2#pL9x-kite', password2: 'Vq7!mZ2#pL9x-kite' })
      }
      const check = await fetch(`${base}${AUTH}/registration/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body() })
      if (check.status === 404) throw new Unavailable(`unavailable (404 from POST ${AUTH}/registration/)`)
      if (check.status !== 201) throw new Unavailable(`set-up failed: registration answered ${check.status} ${(await check.text()).slice(0, 160)}`)
      const request: Request = {
        method: 'POST',
        path: `${AUTH}/registration/`,
        headers: { 'content-type': 'application/json' },
        setupRequest: (req) => ({ ...req, body: body() }),
      }
      return { request }
    },
  },
  {
    id: 'mfa-login',
    label: 'POST login/ (USE_MFA, first step: app method)',
    instance: 'mfa',
    async prepare(base) {
      await enrolApp(base, BENCH_USER)
      const body = JSON.stringify({ username: BENCH_USER.username, password: BENCH_USER.password })
      const check = await expect(200, base, 'POST', `${AUTH}/login/`, { username: BENCH_USER.username, password: BENCH_USER.password })
      if (check.body.mfa_enabled !== true) throw new Unavailable('set-up failed: login/ did not answer the MFA first step')
      return { request: { method: 'POST', path: `${AUTH}/login/`, headers: { 'content-type': 'application/json' }, body } }
    },
  },
  {
    id: 'mfa-verify',
    label: 'POST login/verify/ (USE_MFA, TOTP code)',
    instance: 'mfa',
    async prepare(base) {
      const stamp = Date.now().toString(36)
      // Sign-up, set-up and the first step (two argon2id hashes a user) are the slow part; done before the load.
      const pool = await inParallel(MFA_VERIFY_USERS, 8, async (i) => {
        const who = { username: `mfa${i}x${stamp}`, password: 'Vq7!mZ2#pL9x-kite' }
        await expect(201, base, 'POST', `${AUTH}/registration/`, { username: who.username, email: `${who.username}@example.com`, password1: who.password, password2: who.password })
        const secret = await enrolApp(base, who)
        const step = await expect(200, base, 'POST', `${AUTH}/login/`, { username: who.username, password: who.password })
        return { token: stringField(step, 'ephemeral_token'), secret }
      })
      const first = pool.pop()!
      await expect(200, base, 'POST', `${AUTH}/login/verify/`, { ephemeral_token: first.token, code: nextTotp(first.secret) })
      let next = 0
      const request: Request = {
        method: 'POST',
        path: `${AUTH}/login/verify/`,
        headers: { 'content-type': 'application/json' },
        setupRequest: (req) => {
          const p = pool[next++ % pool.length]!
          return { ...req, body: JSON.stringify({ ephemeral_token: p.token, code: nextTotp(p.secret) }) }
        },
      }
      // Half the pool warms the server up (the JIT tiers up the verify path) as the timed warm-up does for the
      // other scenarios; with a fifth of 1,500 the measured run was still partly unoptimised code (560 against
      // 650-800 µs of CPU a request).
      const warmupAmount = Math.floor(pool.length / 2)
      const amount = pool.length - warmupAmount
      return { request, amount, warmupAmount, note: `${amount} users after ${warmupAmount} to warm up, one verification each (a TOTP code works once)` }
    },
  },
]
