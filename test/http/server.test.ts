import { afterEach, describe, expect, it } from 'bun:test'
import { Elysia } from 'elysia'
import { memoryLogger } from '../../src/http/logger.ts'
import { clientIp, serve } from '../../src/http/server.ts'

const servers: { stop(force?: boolean): unknown }[] = []
afterEach(() => {
  for (const s of servers.splice(0)) s.stop(true)
})

function start(app: { handle(r: Request): Response | Promise<Response> }, opts: { trustedProxies?: string[] } = {}) {
  const log = memoryLogger()
  const server = serve(app, { port: 0, hostname: '127.0.0.1', maxBodySize: 1024, accessLog: true, log })
  servers.push(server)
  return { log, base: `http://127.0.0.1:${server.port}`, ...opts }
}

describe('access log', () => {
  it('writes one line per request with method, path, status and duration, never query, cookies or tokens', async () => {
    const app = new Elysia().get('/api/auth/registration/verify-email/', () => 'ok')
    const { log, base } = start(app)
    await fetch(`${base}/api/auth/registration/verify-email/?key=SECRET-KEY-123`, {
      headers: { authorization: 'Bearer TOKEN-abc', cookie: 'auth-jwt=COOKIE-xyz' },
    })
    expect(log.lines).toHaveLength(1)
    expect(log.lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\S+Z GET \/api\/auth\/registration\/verify-email\/ 200 \d+\.\dms$/)
    const all = log.lines.join('\n')
    for (const secret of ['SECRET-KEY-123', 'TOKEN-abc', 'COOKIE-xyz']) expect(all).not.toContain(secret)
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
