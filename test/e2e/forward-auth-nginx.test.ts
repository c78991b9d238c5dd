// Forward auth behind a real nginx (Debian's package, see scripts/ensure-nginx.sh) running the README's
// auth_request configuration word for word, in front of a small application that echoes what it was told.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Server, Subprocess } from 'bun'
import { freePort, type RunningServer, startServer } from '../helpers/server.ts'

const NGINX = '/usr/sbin/nginx'
const PASSWORD = 'Forward-the-Light-Brigade-1854'
const README = join(import.meta.dir, '..', '..', 'README.md')

/** The first ```nginx block of the README: the configuration an operator copies. */
async function readmeNginxSnippet(): Promise<string> {
  const text = await Bun.file(README).text()
  const m = /```nginx\n([\s\S]*?)```/.exec(text)
  if (!m) throw new Error('README has no ```nginx block')
  return m[1]!
}

function replaceOnce(text: string, from: string, to: string): string {
  const n = text.split(from).length - 1
  if (n !== 1) throw new Error(`expected "${from}" once in the README's nginx snippet, found it ${n} times`)
  return text.replace(from, to)
}

let dir = ''
let authkit: RunningServer | undefined
let app: Server<undefined> | undefined
let nginx: Subprocess | undefined
let site = ''

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'authkit-nginx-'))
  const data = join(dir, 'data')
  const nginxPort = await freePort()
  site = `http://127.0.0.1:${nginxPort}`
  authkit = await startServer(data, {
    AUTHKIT_ACCOUNT_EMAIL_VERIFICATION: 'none',
    AUTHKIT_AUTH_COOKIE_SECURE: 'false',
    AUTHKIT_FORWARD_AUTH_LOGIN_URL: `${site}/login`,
    AUTHKIT_PUBLIC_URL: site,
  })
  // The protected application: answers with the X-Auth-* headers nginx gave it.
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

  let server = await readmeNginxSnippet()
  server = replaceOnce(server, 'server 127.0.0.1:8000;', `server 127.0.0.1:${authkit.port};`)
  server = replaceOnce(server, 'server 127.0.0.1:3000;', `server 127.0.0.1:${app.port};`)
  server = replaceOnce(server, 'listen 80;', `listen 127.0.0.1:${nginxPort};`)
  const prefix = join(dir, 'nginx')
  mkdirSync(join(prefix, 'logs'), { recursive: true })
  // Everything nginx writes stays in the temporary prefix. As root, nginx would run its workers as `nobody`,
  // who cannot enter the owner-only temporary directory; as anyone else it runs them as itself.
  const conf = `${process.getuid?.() === 0 ? 'user root;' : ''}
worker_processes 1;
daemon off;
pid ${prefix}/nginx.pid;
error_log ${prefix}/logs/error.log warn;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path ${prefix}/client_body;
    proxy_temp_path ${prefix}/proxy;
    fastcgi_temp_path ${prefix}/fastcgi;
    uwsgi_temp_path ${prefix}/uwsgi;
    scgi_temp_path ${prefix}/scgi;
${server}
}
`
  await Bun.write(join(prefix, 'nginx.conf'), conf)
  nginx = Bun.spawn([NGINX, '-p', prefix, '-e', join(prefix, 'logs', 'error.log'), '-c', join(prefix, 'nginx.conf')], {
    stdout: 'inherit',
    stderr: 'inherit',
  })
  for (let i = 0; ; i++) {
    const up = await fetch(`${site}/api/auth/csrf/`).then((r) => r.ok).catch(() => false)
    if (up) break
    if (i > 100 || nginx.exitCode !== null) throw new Error(`nginx did not start:\n${await Bun.file(join(prefix, 'logs', 'error.log')).text().catch(() => '')}`)
    await Bun.sleep(50)
  }
  // A user, created through nginx like any client would.
  const reg = await fetch(`${site}/api/auth/registration/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'ada', email: 'ada@example.com', password1: PASSWORD, password2: PASSWORD }),
  })
  if (reg.status !== 201) throw new Error(`registration: ${reg.status} ${await reg.text()}`)
}, 30_000)

afterAll(async () => {
  nginx?.kill('SIGTERM')
  await nginx?.exited
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

type Echo = { path: string; method: string; user_id: string | null; username: string | null; email: string | null; session: string | null }

describe('forward auth behind nginx auth_request (the README snippet)', () => {
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

  it('forward auth behind nginx refuses a session revoked by logout at once', async () => {
    const { access } = await logIn()
    expect((await fetch(`${site}/x`, { headers: { authorization: `Bearer ${access}` } })).status).toBe(200)
    const out = await fetch(`${site}/api/auth/logout/`, { method: 'POST', headers: { authorization: `Bearer ${access}` } })
    expect(out.status).toBe(200)
    expect((await fetch(`${site}/x`, { headers: { authorization: `Bearer ${access}`, accept: 'application/json' } })).status).toBe(401)
  })

  it('forward auth headers a client sends itself never reach the application', async () => {
    const { access } = await logIn()
    const spoof = { 'x-auth-user-id': '999', 'x-auth-username': 'root', 'x-auth-email': 'root@example.com' }
    const anonymous = await fetch(`${site}/x`, { headers: { ...spoof, accept: 'application/json' } })
    expect(anonymous.status).toBe(401)
    const echo = (await (await fetch(`${site}/x`, { headers: { ...spoof, authorization: `Bearer ${access}` } })).json()) as Echo
    expect(echo).toMatchObject({ username: 'ada', email: 'ada@example.com' })
    expect(echo.user_id).not.toBe('999')
  })
})
