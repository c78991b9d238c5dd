// /api/docs/ and /api/redoc/ in a real headless Chromium: they render with no console error, no CSP
// violation and no request to another host, and Swagger UI's "Try it out" and "Authorize" work against
// the server. Skipped where Debian's `chromium` is not installed. Screenshots go to test-artifacts/docs/.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { mkdirSync } from 'node:fs'
import type { Server } from 'bun'
import { type Browser, type Page, chromium } from 'playwright-core'
import { hashParams, hashPassword } from '../../src/users/passwords.ts'
import { createUsersRepo } from '../../src/users/users.repo.ts'
import { makeTestApp } from '../helpers/app.ts'

const CHROMIUM = Bun.which('chromium') ?? Bun.which('chromium-browser')
const ARTIFACTS = `${import.meta.dir}/../../test-artifacts/docs`
const PASSWORD = 'Quiet-Harbor-7-Lantern'
/** A browser is slow to start and render on a busy 2-core machine. */
const SLOW = 60_000

describe.skipIf(!CHROMIUM)('the documentation pages in a real browser', () => {
  let server: Server<undefined>
  let browser: Browser
  let base: string

  beforeAll(async () => {
    // As under --dev: plain http, so cookies are not Secure.
    const t = makeTestApp({ authCookieSecure: false })
    const passwordHash = await hashPassword(PASSWORD, hashParams(t.deps.config))
    await createUsersRepo(t.deps.db).insert({ username: 'alice', email: 'alice@example.com', passwordHash, emailVerified: true, now: t.clock.now() })
    server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: (request) => t.app.handle(request) })
    base = `http://127.0.0.1:${server.port}`
    browser = await chromium.launch({
      executablePath: CHROMIUM!,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    })
    mkdirSync(ARTIFACTS, { recursive: true })
  }, SLOW)

  afterAll(async () => {
    await browser?.close()
    server?.stop(true)
  })

  /** Opens `path`, recording console errors, CSP violations and every request that leaves this server. */
  async function open(path: string) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    const problems: string[] = []
    page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`))
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
    page.on('request', (r) => {
      if (!r.url().startsWith(`${base}/`) && !/^(data|blob):/.test(r.url())) problems.push(`request to another host: ${r.url()}`)
    })
    await page.addInitScript(() =>
      document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`)),
    )
    await page.goto(base + path, { waitUntil: 'networkidle' })
    return { page, problems }
  }

  it('Swagger UI renders every operation with no error, no CSP violation and no request elsewhere', async () => {
    const { page, problems } = await open('/api/docs/')
    await page.locator('#operations-login-login_create').waitFor()
    expect(await page.locator('.opblock').count()).toBeGreaterThan(5)
    await page.screenshot({ path: `${ARTIFACTS}/swagger-ui.png` })
    expect(problems).toEqual([])
    await page.close()
  }, SLOW)

  it('ReDoc renders with no error, no CSP violation and no request elsewhere (its CDN logo included)', async () => {
    const { page, problems } = await open('/api/redoc/')
    await page.locator('h2', { hasText: 'Log in' }).first().waitFor()
    await page.waitForTimeout(300) // the sidebar credit (with its logo) appears after the first render
    expect(await page.locator('img[alt="redocly logo"]').getAttribute('src')).toStartWith('data:')
    await page.screenshot({ path: `${ARTIFACTS}/redoc.png` })
    expect(problems).toEqual([])
    await page.close()
  }, SLOW)

  /** "Try it out" on one operation; answers the status code Swagger UI shows and the body. */
  async function tryItOut(page: Page, tag: string, operationId: string, body?: unknown) {
    const block = page.locator(`#operations-${tag}-${operationId}`)
    await block.locator('.opblock-summary').first().click()
    await block.getByRole('button', { name: 'Try it out' }).click()
    if (body !== undefined) await block.locator('textarea.body-param__text').fill(JSON.stringify(body))
    await block.locator('button.execute').click()
    const status = block.locator('.live-responses-table tbody .response-col_status').first()
    await status.waitFor()
    const result = {
      status: Number((await status.innerText()).trim()),
      body: await block.locator('.live-responses-table tbody .response-col_description pre').first().innerText(),
    }
    await block.getByRole('button', { name: 'Cancel' }).click()
    await block.locator('.opblock-summary').first().click()
    return result
  }

  it('"Try it out" logs in; cookie calls work (the page adds the CSRF header); so does a token pasted into "Authorize"', async () => {
    const { page } = await open('/api/docs/')
    const patches: string[] = []
    page.on('request', (r) => r.method() === 'PATCH' && patches.push(r.headers()['x-csrftoken'] ? 'with csrf' : 'without csrf'))
    const login = await tryItOut(page, 'login', 'login_create', { username: 'alice', password: PASSWORD })
    expect(login.status).toBe(200)
    // The browser now holds the auth cookies.
    expect((await tryItOut(page, 'user', 'user_retrieve')).status).toBe(200)
    const patched = await tryItOut(page, 'user', 'user_partial_update', { first_name: 'Zed' })
    expect(patched.status).toBe(200)
    expect(JSON.parse(patched.body).first_name).toBe('Zed')
    expect(patches).toEqual(['with csrf'])

    // Without cookies, only the pasted token can authenticate.
    await page.context().clearCookies()
    expect((await tryItOut(page, 'user', 'user_retrieve')).status).toBe(401)
    await page.locator('.auth-wrapper .authorize').click()
    await page.locator('.auth-container input').first().fill(JSON.parse(login.body).access_token)
    await page.locator('.auth-container button.authorize').first().click()
    await page.locator('button.btn-done').first().click()
    const me = await tryItOut(page, 'user', 'user_retrieve')
    expect(me.status).toBe(200)
    expect(JSON.parse(me.body).username).toBe('alice')
    await page.screenshot({ path: `${ARTIFACTS}/swagger-ui-authorized.png` })
    await page.close()
  }, SLOW)
})
