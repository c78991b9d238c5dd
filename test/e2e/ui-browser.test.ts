// End to end in a real headless Chromium (Debian's, see scripts/ensure-chromium.sh): the real server,
// started like a developer starts it (`serve --dev`), and a person's path through the testing UI.
// Screenshots go to test-artifacts/ui-e2e/ (git-ignored).
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type BrowserContext, type Page, chromium } from 'playwright-core'
import { startDevServer } from '../helpers/dev-server.ts'

const CHROMIUM = '/usr/bin/chromium'
const ROOT = join(import.meta.dir, '..', '..')
const SHOTS = join(ROOT, 'test-artifacts', 'ui-e2e')
const PASSWORD = 'Tea-with-the-Hatter-1865'
const NEW_PASSWORD = 'Down-the-rabbit-hole-42'

let server: ReturnType<typeof Bun.spawn> | undefined
let origin = ''
let dataDir = ''
let profileDir = ''
let context: BrowserContext | undefined
const consoleErrors: string[] = []
const foreignRequests: string[] = []

/** Starts `bun src/main.ts serve --dev` on a free loopback port and resolves with its origin. */
async function startServer(): Promise<string> {
  dataDir = mkdtempSync(join(tmpdir(), 'authkit-e2e-data-'))
  // An empty config file, so no authkit.toml in the working directory is picked up; and a clean
  // environment, so no AUTHKIT_* variable of the developer's changes the run.
  const config = join(dataDir, 'empty.toml')
  await Bun.write(config, '')
  const started = await startDevServer(['--host', '127.0.0.1', '--port', '0', '--data', dataDir, '--config', config], dataDir)
  server = started.server
  return started.origin
}

async function shot(page: Page, name: string, fullPage = true) {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage })
}

/** The newest entry of the response viewer, once it reads "METHOD path status". */
async function expectResponse(page: Page, method: string, path: string, status: number) {
  const entry = page.locator('#responses .resp').first()
  await entry.locator('.path', { hasText: path }).waitFor()
  expect(await entry.locator('.method').textContent()).toBe(method)
  expect(await entry.locator('.path').textContent()).toBe(path)
  expect(await entry.locator('.status').textContent()).toBe(String(status))
}

/** Clicks `button` and waits for the API call it makes to be shown in the viewer. */
async function call(page: Page, button: string, method: string, path: string, status: number) {
  const before = await page.locator('#responses .resp').count()
  await page.locator(button).click()
  await page.locator('#responses .resp').nth(before).waitFor()
  await expectResponse(page, method, path, status)
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/ensure-chromium.sh`)
  mkdirSync(SHOTS, { recursive: true })
  origin = await startServer()
  profileDir = mkdtempSync(join(tmpdir(), 'authkit-e2e-chromium-'))
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1280, height: 900 },
  })
  context.on('request', (req) => {
    const url = req.url()
    if (!url.startsWith(`${origin}/`) && !url.startsWith('data:') && url !== 'about:srcdoc' && url !== 'about:blank') {
      foreignRequests.push(url)
    }
  })
  context.on('page', (page) => {
    page.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push(`${page.url()}: ${msg.text()}`)
    })
    page.on('pageerror', (err) => consoleErrors.push(`${page.url()}: ${err.message}`))
  })
}, 60_000)

afterAll(async () => {
  await context?.close()
  server?.kill('SIGTERM')
  await server?.exited
  for (const dir of [dataDir, profileDir]) if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('testing UI in Chromium', () => {
  it('register, verify by the mailed link, log in, update the profile, change the password, log out', async () => {
    const page = context!.pages()[0] ?? (await context!.newPage())
    page.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push(`${page.url()}: ${msg.text()}`)
    })
    page.on('pageerror', (err) => consoleErrors.push(`${page.url()}: ${err.message}`))

    await page.goto(`${origin}/api/auth/ui/`)
    await expect(page.locator('#status').textContent()).resolves.toContain('Not authenticated')
    await shot(page, '01-start')

    // Register, with the labelled fields a person would use.
    const register = page.locator('#register')
    await register.getByLabel('Username').fill('alice')
    await register.getByLabel('E-mail').fill('alice@example.com')
    await register.getByLabel('Password', { exact: true }).fill(PASSWORD)
    await register.getByLabel('Password again').fill(PASSWORD)
    await register.getByLabel('First name (optional)').fill('Alice')
    await call(page, '#register button[type=submit]', 'POST', '/api/auth/registration/', 201)

    // The verification mail shows up in the mailbox; open it and follow its link.
    const mail = page.locator('#mail-list .mails button').first()
    await mail.waitFor()
    expect(await mail.textContent()).toContain('alice@example.com')
    // Opening it also loads its HTML body into the sandboxed frame.
    const htmlBody = page.waitForResponse((res) => /\/api\/auth\/ui\/mailbox\/\d+\/html$/.test(res.url()))
    await mail.click()
    expect((await htmlBody).status()).toBe(200)
    const link = page.locator('#mail-view a.mail-link').first()
    await link.waitFor()
    expect(await link.getAttribute('href')).toStartWith(`${origin}/verify-email?key=`)
    await shot(page, '02-mailbox')
    // (Not clicked inside the sandboxed frame: Playwright's injected scripts are refused there, which
    // Chromium reports as console errors. The link list beside it opens the same URL in a new tab.)
    const [verifyPage] = await Promise.all([context!.waitForEvent('page'), link.click()])
    await verifyPage.waitForLoadState()
    await verifyPage.getByRole('button', { name: 'Confirm e-mail address' }).click()
    await verifyPage.getByText('your e-mail address is confirmed').waitFor()
    await shot(verifyPage, '03-verified')
    await verifyPage.close()

    // Log in by username: the status bar turns to the logged-in user.
    const login = page.locator('#login-username')
    await login.getByLabel('Username').fill('alice')
    await login.getByLabel('Password').fill(PASSWORD)
    await call(page, '#login-username button[type=submit]', 'POST', '/api/auth/login/', 200)
    await page.locator('#status strong', { hasText: 'alice' }).waitFor()
    expect(await page.locator('#status').textContent()).toContain('Authenticated')
    await shot(page, '04-logged-in')

    // Update the profile (a cookie-authenticated PUT: the page sends X-CSRFToken).
    const profile = page.locator('#profile-update')
    await profile.getByLabel('First name').fill('Alice')
    await profile.getByLabel('Last name').fill('Liddell')
    await call(page, '#profile-update button[type=submit]', 'PUT', '/api/auth/user/', 200)
    await page.locator('#profile dl', { hasText: 'Alice Liddell' }).waitFor()

    // Change the password.
    const change = page.locator('#password-change')
    await change.getByLabel('Current password').fill(PASSWORD)
    await change.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD)
    await change.getByLabel('New password again').fill(NEW_PASSWORD)
    await call(page, '#password-change button[type=submit]', 'POST', '/api/auth/password/change/', 200)
    await shot(page, '05-password-changed')

    // Log out: the session ends and the status bar says so.
    await call(page, '#logout button[type=submit]', 'POST', '/api/auth/logout/', 200)
    await page.locator('#status .badge.off').waitFor()
    expect(await page.locator('#status').textContent()).toContain('Not authenticated')
    await shot(page, '06-logged-out')

    // The new password is the one that works now: by e-mail this time, and with the keyboard only.
    await page.setViewportSize({ width: 390, height: 844 }) // a phone
    await page.locator('#login-email').getByLabel('E-mail').focus()
    const before = await page.locator('#responses .resp').count()
    await page.keyboard.type('alice@example.com')
    await page.keyboard.press('Tab')
    await page.keyboard.type(NEW_PASSWORD)
    await page.keyboard.press('Enter')
    await page.locator('#responses .resp').nth(before).waitFor()
    await expectResponse(page, 'POST', '/api/auth/login/', 200)
    await page.locator('#status strong', { hasText: 'alice' }).waitFor()
    await shot(page, '07-phone', false) // the viewport: the response viewer docked at the bottom

    expect(consoleErrors).toEqual([])
    expect(foreignRequests).toEqual([])
  }, 60_000)

  it('on a phone: the response panel starts folded to a bar naming the last call, and errors show at their fields', async () => {
    const page = await context!.newPage()
    await page.setViewportSize({ width: 390, height: 844 })
    await page.goto(`${origin}/api/auth/ui/`)
    const panel = page.locator('details#viewer')
    expect(await panel.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false)
    expect((await page.locator('aside.side').boundingBox())!.height).toBeLessThan(844 * 0.12)

    const register = page.locator('#register')
    await register.getByLabel('E-mail').fill('not-an-address')
    await register.locator('button[type=submit]').click()
    await page.locator('#register-email-error').waitFor()
    expect(await page.locator('#register-email-error').textContent()).toBe('Enter a valid email address.')
    expect(await page.locator('#register-email-error').isVisible()).toBe(true)
    expect(await page.locator('#responses-last').textContent()).toBe('POST /api/auth/registration/ → 400')
    await shot(page, '08-phone-field-errors', false)

    await page.locator('#viewer > summary').click()
    expect(await panel.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true)
    await expectResponse(page, 'POST', '/api/auth/registration/', 400)
    await page.close()
    // Chromium reports the 400 it was asked to provoke as a failed resource; nothing else may be logged.
    expect(consoleErrors.filter((e) => !e.includes('status of 400 (Bad Request)'))).toEqual([])
  }, 60_000)
})

describe('testing UI in Chromium started with --lang=de', () => {
  it('shows German labels: the UI follows the Accept-Language the browser sends', async () => {
    // Headless Chromium takes its Accept-Language from --accept-lang (the profile's language list), not --lang.
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--lang=de', '--accept-lang=de'],
    })
    try {
      const page = await browser.newPage()
      const answer = await page.goto(`${origin}/api/auth/ui/`)
      expect((await answer!.request().allHeaders())['accept-language']).toStartWith('de')
      expect(answer?.headers()['content-language']).toBe('de')
      expect(await page.locator('html').getAttribute('lang')).toBe('de')
      expect(await page.locator('#sec-account-title').textContent()).toBe('Registrieren und bestätigen')
      expect(await page.locator('label[for="register-password2"]').textContent()).toBe('Passwort wiederholen')
      await shot(page, 'lang-de')
    } finally {
      await browser.close()
    }
  }, 60_000)
})
