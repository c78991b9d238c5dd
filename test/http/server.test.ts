import { afterEach, describe, expect, it } from 'bun:test'
import { Elysia } from 'elysia'
import { memoryLogger } from '../../src/http/logger.ts'
import { jsonLogger } from '../../src/http/request-log.ts'
import { clientIp } from '../../src/http/client-ip.ts'
import { serve } from '../../src/http/server.ts'
import { createUser, login, makeAuthApp } from '../auth/helpers.ts'

const servers: { stop(force?: boolean): unknown }[] = []
afterEach(() => {
  for (const s of servers.splice(0)) s.stop(true)
})

function start(app: { handle(r: Request): Response | Promise<Response> }, opts: { trustedProxies?: string[]; logFormat?: 'text' | 'json' } = {}) {
  const log = memoryLogger()
  const json: string[] = []
  const server = serve(app, { port: 0, hostname: '127.0.0.1', maxBodySize: 1024, accessLog: true, log, writeJson: (l) => json.push(l), ...opts })
  servers.push(server)
  return { log, json, base: `http://127.0.0.1:${server.port}` }
}

describe('access log', () => {
  it('writes one line per request with method, path, status and duration, never query, cookies or tokens', async () => {
    const app = new Elysia().get('/api/auth/registration/verify-email/', () => 'ok')
    const { log, base } = start(app)
    await fetch(`${base}/api/auth/registration/verify-email/?key=SECRET-KEY-123`, {
      headers: { authorization: 'Bearer TOKEN-abc', cookie: 'auth-jwt=COOKIE-xyz' },
    })
    expect(log.lines).toHaveLength(1)
    expect(log.lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\S+Z 127\.0\.0\.1 GET \/api\/auth\/registration\/verify-email\/ 200 \d+\.\dms user=- rid=[0-9a-f-]{36}$/)
    const all = log.lines.join('\n')
    for (const secret of ['SECRET-KEY-123', 'TOKEN-abc', 'COOKIE-xyz']) expect(all).not.toContain(secret)
  })
})

describe('access log fields', () => {
  it('names the authenticated user, the client IP from a trusted proxy and the request id, which is echoed', async () => {
    const t = makeAuthApp()
    const userId = await createUser(t)
    const { access_token } = await (await login(t)).json()
    const { log, base } = start(t.app, { trustedProxies: ['127.0.0.1'] })
    const res = await fetch(`${base}/probe`, {
      headers: { authorization: `Bearer ${access_token}`, 'x-request-id': 'edge-42.a', 'x-forwarded-for': '203.0.113.9' },
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('x-request-id')).toBe('edge-42.a')
    expect(log.lines[0]).toMatch(new RegExp(`^\\S+Z 203\\.0\\.113\\.9 GET /probe 200 \\d+\\.\\dms user=${userId} rid=edge-42\\.a$`))
    expect(log.lines.join('\n')).not.toContain(access_token)
  })

  it('an X-Request-Id that could forge log fields is replaced by a fresh id', async () => {
    const { log, base } = start(new Elysia().get('/', () => 'ok'))
    for (const bad of ['a b', 'x"y', 'z'.repeat(129), 'rid=1 user=2']) {
      const res = await fetch(`${base}/`, { headers: { 'x-request-id': bad } })
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
    }
    for (const line of log.lines) expect(line).toMatch(/ user=- rid=[0-9a-f-]{36}$/)
  })

  it('X-Forwarded-For from an untrusted peer is not believed', async () => {
    const { log, base } = start(new Elysia().get('/', () => 'ok'))
    await fetch(`${base}/`, { headers: { 'x-forwarded-for': '203.0.113.9' } })
    expect(log.lines[0]).toContain(' 127.0.0.1 GET / 200 ')
  })

  it('LOG_FORMAT=json writes one JSON object per request with the same fields and no secrets', async () => {
    const t = makeAuthApp()
    const userId = await createUser(t)
    const { access_token } = await (await login(t)).json()
    const { log, json, base } = start(t.app, { logFormat: 'json' })
    await fetch(`${base}/probe?token=SECRET-Q`, { headers: { authorization: `Bearer ${access_token}`, cookie: 'auth-jwt=COOKIE-xyz' } })
    expect(log.lines).toEqual([])
    expect(json).toHaveLength(1)
    const record = JSON.parse(json[0]!)
    expect(record).toMatchObject({ level: 'info', msg: 'request', ip: '127.0.0.1', user_id: userId, method: 'GET', path: '/probe', status: 200 })
    expect(record.request_id).toMatch(/^[0-9a-f-]{36}$/)
    expect(typeof record.duration_ms).toBe('number')
    expect(Date.parse(record.time)).not.toBeNaN()
    for (const secret of ['SECRET-Q', 'COOKIE-xyz', access_token]) expect(json[0]).not.toContain(secret)
  })

  it('the JSON logger writes every other line as {time, level, msg}', () => {
    const lines: string[] = []
    const log = jsonLogger((l) => lines.push(l))
    log.warn('careful "here"')
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'warn', msg: 'careful "here"' })
  })
})

describe('client address', () => {
  it('is the socket peer, and X-Forwarded-For is believed only from a trusted proxy', async () => {
    const seen: string[] = []
    let trusted: string[] = []
    const app = { handle: (r: Request) => (seen.push(clientIp(r, trusted)), new Response('ok')) }
    const { base } = start(app)
    await fetch(`${base}/`, { headers: { 'x-forwarded-for': '203.0.113.9' } })
    expect(seen[0]).toBe('127.0.0.1')
    trusted = ['127.0.0.1']
    await fetch(`${base}/`, { headers: { 'x-forwarded-for': '198.51.100.1, 203.0.113.9' } })
    expect(seen[1]).toBe('203.0.113.9')
  })
})
