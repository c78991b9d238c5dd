// Findings 1-3 of the penetration test: a forged Host must never reach a link, a path hidden behind a
// short Host must not be routed as another path, and a malformed Host is a 400 with an access-log line.
import { afterEach, describe, expect, it } from 'bun:test'
import { runCli } from '../../src/cli/index.ts'
import type { Config } from '../../src/config/settings.ts'
import { loadConfig, SettingsError } from '../../src/config/load.ts'
import { allowedHosts } from '../../src/config/allowed-hosts.ts'
import { hostAllowed } from '../../src/http/hosts.ts'
import { memoryLogger } from '../../src/http/logger.ts'
import { serve } from '../../src/http/server.ts'
import { lastMail, linkIn, mails, registeredAndLoggedIn } from '../accounts/helpers.ts'
import { makeTestApp } from '../helpers/app.ts'
import { rawRequest } from '../helpers/raw-http.ts'

const servers: { stop(force?: boolean): unknown }[] = []
afterEach(() => {
  for (const s of servers.splice(0)) s.stop(true)
})

/** The app on a real port, with the access log kept. */
function listen(overrides: Partial<Config> = {}) {
  const t = makeTestApp(overrides)
  const log = memoryLogger()
  const server = serve(t.app, { port: 0, hostname: '127.0.0.1', maxBodySize: 65536, accessLog: true, log })
  servers.push(server)
  return { t, log, port: server.port! }
}

const resetBody = JSON.stringify({ email: 'ann@example.com' })

describe('a forged Host never reaches a reset link', () => {
  it('refuses a Host outside ALLOWED_HOSTS with 400 bad_host and mails nothing (real socket)', async () => {
    const { t, port } = listen()
    await registeredAndLoggedIn(t)
    const before = (await mails(t)).length
    const answer = await rawRequest(port, {
      host: 'evil.example',
      method: 'POST',
      path: '/api/auth/password/reset/',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ann@example.com' }),
    })
    expect(answer.status).toBe(400)
    expect(JSON.parse(answer.body)).toEqual({ detail: "Invalid HTTP_HOST header: 'evil.example'.", code: 'bad_host' })
    expect((await mails(t))).toHaveLength(before)
  })

  it('builds the link from an allowed Host, whatever its port', async () => {
    const { t, port } = listen()
    await registeredAndLoggedIn(t)
    const res = await fetch(`http://localhost:${port}/api/auth/password/reset/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: resetBody,
    })
    expect(res.status).toBe(200)
    expect(linkIn((await lastMail(t)).text_body).origin).toBe(`http://localhost:${port}`)
  })

  it('refuses a forged Host header sent through app.handle as well', async () => {
    const t = makeTestApp()
    const res = await t.req('/api/auth/password/reset/', { method: 'POST', headers: { host: 'evil.example' }, json: { email: 'a@example.com' } })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ detail: "Invalid HTTP_HOST header: 'evil.example'.", code: 'bad_host' })
  })

  it('uses PUBLIC_URL for links and allows its host by default', async () => {
    const t = makeTestApp({ publicUrl: 'https://auth.example.com' })
    const res = await t.req('/api/auth/password/reset/', { method: 'POST', headers: { host: 'auth.example.com' }, json: { email: 'a@example.com' } })
    expect(res.status).toBe(200)
    expect((await t.req('/healthz', { headers: { host: 'evil.example' } })).status).toBe(400)
  })
})

describe('ALLOWED_HOSTS follows Django', () => {
  it('defaults to the host of PUBLIC_URL plus the loopback names', () => {
    expect(allowedHosts({ allowedHosts: [], publicUrl: null })).toEqual(['localhost', '127.0.0.1', '[::1]'])
    expect(allowedHosts({ allowedHosts: [], publicUrl: 'https://auth.example.com/sso' })).toEqual(['auth.example.com', 'localhost', '127.0.0.1', '[::1]'])
    expect(allowedHosts({ allowedHosts: ['api'], publicUrl: 'https://auth.example.com' })).toEqual(['api'])
  })

  it('ignores the port and letter case, matches subdomains of a leading-dot pattern, and refuses malformed hosts', () => {
    const p = ['auth.example.com', '.corp.example', '[::1]']
    for (const ok of ['auth.example.com', 'AUTH.example.com:8443', 'auth.example.com.', 'corp.example', 'a.b.corp.example:80', '[::1]:8000'])
      expect(hostAllowed(ok, p)).toBe(true)
    for (const bad of ['evil.example', 'xcorp.example', 'auth.example.com.evil', '127.0.0.1@auth.example.com', 'auth.example.com/x', 'auth.example.com:x', '', '%'])
      expect(hostAllowed(bad, p)).toBe(false)
    expect(hostAllowed('anything.example:1', ['*'])).toBe(true)
    for (const bad of ['a@b', 'a/b', '%', '', 'xn--']) expect(hostAllowed(bad, ['*'])).toBe(false)
  })

  it('refuses "*" without PUBLIC_URL outside --dev with one line, and allows it under --dev', () => {
    const env = { AUTHKIT_ALLOWED_HOSTS: '*' }
    expect(() => loadConfig({ env, cwd: '/nonexistent' })).toThrow(SettingsError)
    expect(() => loadConfig({ env, cwd: '/nonexistent' })).toThrow(/^authkit: ALLOWED_HOSTS = "\*" needs PUBLIC_URL/)
    expect(loadConfig({ env: { ...env, AUTHKIT_PUBLIC_URL: 'https://auth.example.com' }, cwd: '/nonexistent' }).config.allowedHosts).toEqual(['*'])
    expect(loadConfig({ env: {}, cwd: '/nonexistent', dev: true }).config.allowedHosts).toEqual(['*'])
    expect(() => loadConfig({ env: { AUTHKIT_ALLOWED_HOSTS: 'a b' }, cwd: '/nonexistent' })).toThrow(/invalid ALLOWED_HOSTS/)
  })

  it('`authkit serve` with ALLOWED_HOSTS=* and no PUBLIC_URL exits 2 with one line before opening anything', async () => {
    const err: string[] = []
    const io = { env: { AUTHKIT_ALLOWED_HOSTS: '*' }, cwd: '/nonexistent', stdout() {}, stderr: (t: string) => err.push(t), stdin: async () => '' }
    expect(await runCli(['serve', '--data', '/nonexistent/data'], io)).toBe(2)
    expect(err.join('').trim().split('\n')).toHaveLength(1)
    expect(err.join('')).toContain('ALLOWED_HOSTS = "*" needs PUBLIC_URL')
  })
})

describe('a request is routed on the path it asked for, whatever the length of its Host', () => {
  it('does not route /zz/api/auth/user/ sent with a one-letter Host as /api/auth/user/ (real socket)', async () => {
    const { t, port, log } = listen({ allowedHosts: ['x', 'localhost'] })
    const auth = await registeredAndLoggedIn(t)
    const hidden = await rawRequest(port, { host: 'x', path: '/zz/api/auth/user/', headers: auth })
    expect(hidden.status).toBe(404)
    expect(hidden.body).not.toContain('ann@example.com')
    expect(log.lines.at(-1)).toContain(' GET /zz/api/auth/user/ 404 ')
    const real = await rawRequest(port, { host: 'x', path: '/api/auth/user/', headers: auth })
    expect(real.status).toBe(200)
    expect(JSON.parse(real.body).username).toBe('ann')
  })

  it('refuses the same trick with the default ALLOWED_HOSTS before any route runs', async () => {
    const { port } = listen()
    expect((await rawRequest(port, { host: 'x', path: '/zz/api/auth/user/' })).status).toBe(400)
  })
})

describe('a malformed Host is a 400 with an access-log line, never a 500', () => {
  for (const host of ['127.0.0.1@evil.example', 'evil.example/path', '%', '', 'a b', 'xn--', 'localhost:port']) {
    it(`Host: ${JSON.stringify(host)}`, async () => {
      const { port, log } = listen({ allowedHosts: ['*'], publicUrl: 'https://auth.example.com' })
      const res = await rawRequest(port, { host, path: '/api/auth/user/' })
      expect(res.status).toBe(400)
      expect(JSON.parse(res.body)).toEqual({ detail: `Invalid HTTP_HOST header: '${host}'.`, code: 'bad_host' })
      expect(log.lines.filter((l) => l.startsWith('error'))).toEqual([])
      expect(log.lines).toHaveLength(1)
      expect(log.lines[0]).toMatch(/ GET \/api\/auth\/user\/ 400 /)
    })
  }
})
