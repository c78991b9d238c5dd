// The README's "Frontend on another origin", run in a real headless Chromium: the example page
// (deploy/example-app/index.html) on one origin, authkit on another; log in, who am I, PATCH user/ with
// X-CSRFToken from csrf/'s body, log out. Same-site works on the defaults; cross-site needs
// SameSite=None + Secure (+ Partitioned); cross-site on the defaults gets a 401 that says why.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Browser, type Page, chromium } from 'playwright-core'

const CHROMIUM = '/usr/bin/chromium'
const ROOT = join(import.meta.dir, '..', '..')
const PAGE = join(ROOT, 'deploy', 'example-app', 'index.html')
const PASSWORD = 'Tea-with-the-Hatter-1865'

const dirs: string[] = []
const servers: ReturnType<typeof Bun.spawn>[] = []
let browser: Browser | undefined
let frontend: ReturnType<typeof Bun.serve> | undefined

const tempDir = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix))
  dirs.push(d)
  return d
}

function authkit(args: string[], env: Record<string, string>) {
  return Bun.spawn([process.execPath, join(ROOT, 'src', 'main.ts'), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir(), AUTHKIT_ARGON2_MEMORY_COST: '1024', AUTHKIT_ARGON2_TIME_COST: '1', ...env },
    stdout: 'pipe',
    stderr: 'pipe',
  })
}

/** Starts authkit with `env` (and a user alice) on a free port; resolves with its port. */
async function startAuthkit(env: Record<string, string>): Promise<number> {
  const data = tempDir('authkit-xo-data-')
  const config = join(data, 'empty.toml')
  await Bun.write(config, '')
  const common = ['--data', data, '--config', config]
  const create = authkit(['users', 'create', '--username', 'alice', '--email', 'alice@example.com', '--password', PASSWORD, '--verified', ...common], env)
  if ((await create.exited) !== 0) throw new Error(await new Response(create.stderr).text())
  const server = authkit(['serve', '--host', '127.0.0.1', '--port', '0', ...common], env)
  servers.push(server)
  const reader = (server.stdout as ReadableStream<Uint8Array>).getReader()
  let out = ''
  while (true) {
    const { value, done } = await reader.read()
    if (done) throw new Error(`authkit exited before listening:\n${out}${await new Response(server.stderr as ReadableStream).text()}`)
    out += new TextDecoder().decode(value)
    const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out)
    if (m) {
      reader.releaseLock()
      return Number(m[1])
    }
  }
}

/** Opens the example page at `pageOrigin`, pointed at the API at `apiOrigin`. */
async function openApp(pageOrigin: string, apiOrigin: string): Promise<Page> {
  const context = await browser!.newContext()
  const page = await context.newPage()
  await page.goto(`${pageOrigin}/?api=${encodeURIComponent(`${apiOrigin}/api/auth`)}`)
  return page
}

/** Clicks `selector` and resolves with the page's next "<what>: <status> <json>" line. */
async function act(page: Page, selector: string, what: string): Promise<{ status: number; body: Record<string, unknown> }> {
  await page.locator('#out').evaluate((el) => {
    el.textContent = ''
  })
  await page.locator(selector).click()
  await page.waitForFunction((w) => document.querySelector('#out')!.textContent!.startsWith(`${w}:`), what)
  const text = (await page.locator('#out').textContent())!
  const m = /^\w+: (\d+) (.*)$/s.exec(text)!
  return { status: Number(m[1]), body: JSON.parse(m[2]!) }
}

async function login(page: Page) {
  await page.locator('input[name=username]').fill('alice')
  await page.locator('input[name=password]').fill(PASSWORD)
  return act(page, '#login button', 'login')
}

/** The whole path a frontend takes; every step must succeed. */
async function fullPath(page: Page) {
  expect((await login(page)).status).toBe(200)
  const me = await act(page, '#me', 'user')
  if (me.status !== 200) console.log(JSON.stringify(me.body))
  expect(me.status).toBe(200)
  expect(me.body.username).toBe('alice')
  const renamed = await act(page, '#rename', 'rename')
  expect(renamed.status).toBe(200)
  expect(renamed.body.first_name).toBe('Ada')
  expect((await act(page, '#logout', 'logout')).status).toBe(200)
  expect((await act(page, '#me', 'user')).status).toBe(401)
}

let appPort = 0
beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/ensure-chromium.sh`)
  const html = await Bun.file(PAGE).text()
  frontend = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: () => new Response(html, { headers: { 'content-type': 'text/html' } }) })
  appPort = frontend.port!
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
}, 60_000)

afterAll(async () => {
  await browser?.close()
  frontend?.stop(true)
  for (const s of servers) s.kill('SIGTERM')
  await Promise.all(servers.map((s) => s.exited))
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

describe('a frontend on another origin, in Chromium', () => {
  it('same site (app.example.localhost -> api.example.localhost): works on the default cookies once the origin is in CORS_ALLOWED_ORIGINS', async () => {
    const app = `http://app.example.localhost:${appPort}`
    const port = await startAuthkit({ AUTHKIT_CORS_ALLOWED_ORIGINS: app, AUTHKIT_PUBLIC_URL: 'http://api.example.localhost' })
    await fullPath(await openApp(app, `http://api.example.localhost:${port}`))
  }, 60_000)

  it('cross site (localhost -> 127.0.0.1): works with SameSite=None, Secure and Partitioned', async () => {
    const app = `http://localhost:${appPort}`
    const port = await startAuthkit({
      AUTHKIT_CORS_ALLOWED_ORIGINS: app,
      AUTHKIT_AUTH_COOKIE_SAMESITE: 'None',
      AUTHKIT_AUTH_COOKIE_SECURE: 'true',
      AUTHKIT_AUTH_COOKIE_PARTITIONED: 'true',
    })
    await fullPath(await openApp(app, `http://127.0.0.1:${port}`))
  }, 60_000)

  it('cross site on the default SameSite=Lax: login answers 200, then the 401 says why no cookie came', async () => {
    const app = `http://localhost:${appPort}`
    const port = await startAuthkit({ AUTHKIT_CORS_ALLOWED_ORIGINS: app })
    const page = await openApp(app, `http://127.0.0.1:${port}`)
    expect((await login(page)).status).toBe(200)
    const me = await act(page, '#me', 'user')
    expect(me.status).toBe(401)
    expect(me.body.code).toBe('not_authenticated')
    expect(String(me.body.hint)).toContain('AUTH_COOKIE_SAMESITE=None')
  }, 60_000)
})
