// Forward auth behind real reverse proxies from Debian's packages (scripts/ensure-proxies.sh): nginx's
// auth_request and Caddy's forward_auth, each running the README's configuration word for word in front of
// a small application that echoes the X-Auth-* headers it was given.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Server, Subprocess } from 'bun'
import { freePort, type RunningServer, startServer } from '../helpers/server.ts'

const PASSWORD = 'Forward-the-Light-Brigade-1854'
const README = join(import.meta.dir, '..', '..', 'README.md')

/** The README's first fenced block of `lang`: the configuration an operator copies. */
async function readmeSnippet(lang: string): Promise<string> {
  const m = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(await Bun.file(README).text())
  if (!m) throw new Error(`README has no \`\`\`${lang} block`)
  return m[1]!
}

function replaceAll(text: string, from: string, to: string, times: number): string {
  const n = text.split(from).length - 1
  if (n !== times) throw new Error(`expected "${from}" ${times} times in the README's snippet, found it ${n} times`)
  return text.replaceAll(from, to)
}

interface Ports {
  readonly proxy: number
  readonly authkit: number
  readonly app: number
}

/** How to run one proxy with its README snippet: returns the running process. */
interface Proxy {
  readonly name: string
  readonly binary: string
  start(dir: string, ports: Ports): Promise<Subprocess>
}

const nginx: Proxy = {
  name: 'nginx auth_request',
  binary: '/usr/sbin/nginx',
  async start(dir, ports) {
    let server = await readmeSnippet('nginx')
    server = replaceAll(server, 'server 127.0.0.1:8000;', `server 127.0.0.1:${ports.authkit};`, 1)
    server = replaceAll(server, 'server 127.0.0.1:3000;', `server 127.0.0.1:${ports.app};`, 1)
    server = replaceAll(server, 'listen 80;', `listen 127.0.0.1:${ports.proxy};`, 1)
    mkdirSync(join(dir, 'logs'), { recursive: true })
    // Everything nginx writes stays in the temporary prefix. As root, nginx would run its workers as `nobody`,
    // who cannot enter the owner-only temporary directory; as anyone else it runs them as itself.
    const conf = `${process.getuid?.() === 0 ? 'user root;' : ''}
worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/logs/error.log warn;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path ${dir}/client_body;
    proxy_temp_path ${dir}/proxy;
    fastcgi_temp_path ${dir}/fastcgi;
    uwsgi_temp_path ${dir}/uwsgi;
    scgi_temp_path ${dir}/scgi;
${server}
}
`
    await Bun.write(join(dir, 'nginx.conf'), conf)
    return Bun.spawn([this.binary, '-p', dir, '-e', join(dir, 'logs', 'error.log'), '-c', join(dir, 'nginx.conf')], {
      stdout: 'inherit',
      stderr: 'inherit',
    })
  },
}

const caddy: Proxy = {
  name: 'Caddy forward_auth',
  binary: '/usr/bin/caddy',
  async start(dir, ports) {
    let site = await readmeSnippet('caddyfile')
    site = replaceAll(site, '127.0.0.1:8000', `127.0.0.1:${ports.authkit}`, 2)
    site = replaceAll(site, '127.0.0.1:3000', `127.0.0.1:${ports.app}`, 1)
    // Plain http on a loopback port, no admin endpoint, certificates and state in the temporary directory.
    site = replaceAll(site, 'app.example.com {', `http://127.0.0.1:${ports.proxy} {`, 1)
    await Bun.write(join(dir, 'Caddyfile'), `{\n\tadmin off\n\tauto_https off\n}\n\n${site}`)
    return Bun.spawn([this.binary, 'run', '--config', join(dir, 'Caddyfile'), '--adapter', 'caddyfile'], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir },
      stdout: 'ignore',
      stderr: 'ignore', // Caddy logs every start-up step; a failure shows as the start-up wait's error
    })
  },
}

type Echo = { path: string; method: string; user_id: string | null; username: string | null; email: string | null; session: string | null }

for (const proxy of [nginx, caddy]) {
  describe(`forward auth behind ${proxy.name} (the README snippet)`, () => {
    let dir = ''
    let authkit: RunningServer | undefined
    let app: Server<undefined> | undefined
    let running: Subprocess | undefined
    let site = ''

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'authkit-proxy-'))
      const proxyPort = await freePort()
      site = `http://127.0.0.1:${proxyPort}`
      authkit = await startServer(join(dir, 'data'), {
        AUTHKIT_ACCOUNT_EMAIL_VERIFICATION: 'none',
        AUTHKIT_AUTH_COOKIE_SECURE: 'false',
        AUTHKIT_FORWARD_AUTH_LOGIN_URL: `${site}/login`,
        AUTHKIT_PUBLIC_URL: site,
        AUTHKIT_ACCESS_LOG: 'false',
      })
      // The protected application: answers with the X-Auth-* headers the proxy gave it.
      app = Bun.serve({
        hostname: '127.0.0.1',
        port: 0,
        fetch: (req) =>
          Response.json({
            path: new URL(req.url).pathname,
            method: req.method,
            user_id: req.headers.get('x-auth-user-id'),
            username: req.headers.get('x-auth-username'),
            email: req.headers.get('x-auth-email'),
            session: req.headers.get('x-auth-session'),
          }),
      })
      const proxyDir = join(dir, 'proxy')
      mkdirSync(proxyDir)
      running = await proxy.start(proxyDir, { proxy: proxyPort, authkit: authkit.port, app: app.port! })
      for (let i = 0; ; i++) {
        if (await fetch(`${site}/api/auth/csrf/`).then((r) => r.ok, () => false)) break
        if (i > 200 || running.exitCode !== null) throw new Error(`${proxy.name} did not start (exit code ${running.exitCode})`)
        await Bun.sleep(50)
      }
      // A user, created through the proxy like any client would.
      const reg = await fetch(`${site}/api/auth/registration/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'ada', email: 'ada@example.com', password1: PASSWORD, password2: PASSWORD }),
      })
      if (reg.status !== 201) throw new Error(`registration: ${reg.status} ${await reg.text()}`)
    }, 30_000)

    afterAll(async () => {
      running?.kill('SIGTERM')
      await running?.exited
      app?.stop(true)
      await authkit?.stop()
      if (dir) rmSync(dir, { recursive: true, force: true })
    })

    async function logIn() {
      const res = await fetch(`${site}/api/auth/login/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'ada', password: PASSWORD }),
      })
      expect(res.status).toBe(200)
      const cookies = Object.fromEntries(res.headers.getSetCookie().map((l) => l.split(';')[0]!.split('=') as [string, string]))
      const body = (await res.json()) as { access_token: string; user: { pk: number } }
      return { access: body.access_token, userId: body.user.pk, cookie: `auth-jwt=${cookies['auth-jwt']}; csrftoken=${cookies.csrftoken}`, csrf: cookies.csrftoken! }
    }

    it('a valid bearer token reaches the application with the X-Auth-* headers', async () => {
      const { access, userId } = await logIn()
      const res = await fetch(`${site}/reports/7`, { headers: { authorization: `Bearer ${access}` } })
      expect(res.status).toBe(200)
      const echo = (await res.json()) as Echo
      expect(echo).toMatchObject({ path: '/reports/7', user_id: String(userId), username: 'ada', email: 'ada@example.com' })
      expect(echo.session).toMatch(/.+/)
    })

    it('a valid auth cookie reaches the application; a cookie-authenticated POST needs X-CSRFToken', async () => {
      const { cookie, csrf } = await logIn()
      const get = await fetch(`${site}/reports/7`, { headers: { cookie } })
      expect(get.status).toBe(200)
      expect(((await get.json()) as Echo).username).toBe('ada')
      const forged = await fetch(`${site}/reports/7`, { method: 'POST', headers: { cookie } })
      expect(forged.status).toBe(403)
      const post = await fetch(`${site}/reports/7`, { method: 'POST', headers: { cookie, 'x-csrftoken': csrf, origin: site } })
      expect(post.status).toBe(200)
      expect(((await post.json()) as Echo).method).toBe('POST')
    })

    it('a request without credentials gets 401 and never reaches the application', async () => {
      const res = await fetch(`${site}/reports/7`, { headers: { accept: 'application/json' } })
      expect(res.status).toBe(401)
      expect(await res.json()).toEqual({ detail: 'Authentication credentials were not provided.', code: 'not_authenticated' })
    })

    it('a browser without a session is redirected to FORWARD_AUTH_LOGIN_URL with next= the page it asked for', async () => {
      const res = await fetch(`${site}/reports/7?tab=2`, { headers: { accept: 'text/html' }, redirect: 'manual' })
      expect(res.status).toBe(302)
      const location = new URL(res.headers.get('location')!)
      expect(`${location.origin}${location.pathname}`).toBe(`${site}/login`)
      expect(location.searchParams.get('next')).toBe(`${site}/reports/7?tab=2`)
    })

    it('forward auth behind a proxy refuses a session revoked by logout at once', async () => {
      const { access } = await logIn()
      expect((await fetch(`${site}/x`, { headers: { authorization: `Bearer ${access}` } })).status).toBe(200)
      const out = await fetch(`${site}/api/auth/logout/`, { method: 'POST', headers: { authorization: `Bearer ${access}` } })
      expect(out.status).toBe(200)
      expect((await fetch(`${site}/x`, { headers: { authorization: `Bearer ${access}`, accept: 'application/json' } })).status).toBe(401)
    })

    it('forward auth headers a client sends itself never reach the application', async () => {
      const { access } = await logIn()
      const spoof = { 'x-auth-user-id': '999', 'x-auth-username': 'root', 'x-auth-email': 'root@example.com', 'x-auth-session': 'stolen' }
      expect((await fetch(`${site}/x`, { headers: { ...spoof, accept: 'application/json' } })).status).toBe(401)
      const echo = (await (await fetch(`${site}/x`, { headers: { ...spoof, authorization: `Bearer ${access}` } })).json()) as Echo
      expect(echo).toMatchObject({ username: 'ada', email: 'ada@example.com' })
      expect(echo.user_id).not.toBe('999')
      expect(echo.session).not.toBe('stolen')
    })
  })
}
