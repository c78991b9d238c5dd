// Passwordless sign-in end to end in a real headless Chromium with a CDP virtual authenticator (platform,
// resident keys, user verification): a person adds a passkey in the testing UI, logs out, signs back in
// with it, and then signs in through an e-mailed link opened from the UI's mailbox.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type BrowserContext, type Page, chromium } from 'playwright-core'
import { type DevServer, startDevServer } from '../helpers/dev-server.ts'

const CHROMIUM = '/usr/bin/chromium'
const ROOT = join(import.meta.dir, '..', '..')
const SHOTS = join(ROOT, 'test-artifacts', 'passwordless-e2e')
const PASSWORD = 'Through-the-looking-glass-1871'

let server: DevServer | undefined
let origin = ''
let profileDir = ''
let context: BrowserContext | undefined
const pageErrors: string[] = []

/** `serve --dev` with passkeys and sign-in links on; the origin uses `localhost` (an IP is no WebAuthn RP ID). */
async function startServer(): Promise<string> {
  server = await startDevServer('USE_PASSKEYS = true\nUSE_EMAIL_LINK_LOGIN = true\nACCOUNT_EMAIL_VERIFICATION = "none"\n')
  return server.origin.replace('127.0.0.1', 'localhost')
}

/** Waits for the response viewer's newest entry for exactly `path` and checks its status. */
async function expectCall(page: Page, path: string, status: number) {
  const exact = new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`)
  const entry = page.locator('#responses .resp', { has: page.locator('.path', { hasText: exact }) }).first()
  await entry.waitFor()
  expect(await entry.locator('.status').textContent()).toBe(String(status))
}

const statusText = (page: Page) => page.locator('#status').textContent()

async function waitForStatus(page: Page, text: string) {
  await page.locator('#status', { hasText: text }).waitFor()
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/ensure-chromium.sh`)
  mkdirSync(SHOTS, { recursive: true })
  origin = await startServer()
  const registered = await fetch(`${origin}/api/auth/registration/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'alice', email: 'alice@example.com', password1: PASSWORD, password2: PASSWORD }),
  })
  if (registered.status !== 201) throw new Error(`registration failed: ${registered.status} ${await registered.text()}`)
  profileDir = mkdtempSync(join(tmpdir(), 'authkit-e2e-pwl-chromium-'))
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
  })
  context.on('page', (page) => page.on('pageerror', (err) => pageErrors.push(`${page.url()}: ${err.message}`)))
}, 60_000)

afterAll(async () => {
  await context?.close()
  await server?.stop()
  if (profileDir) rmSync(profileDir, { recursive: true, force: true })
})

describe('passwordless sign-in in Chromium', () => {
  it('adds a passkey in the testing UI, logs out, signs in with it; then signs in with an e-mailed link from the mailbox', async () => {
    const page = context!.pages()[0] ?? (await context!.newPage())
    page.on('pageerror', (err) => pageErrors.push(`${page.url()}: ${err.message}`))
    const cdp = await context!.newCDPSession(page)
    await cdp.send('WebAuthn.enable')
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    })

    // Log in with the password on the main page, then go to the passwordless page.
    await page.goto(`${origin}/api/auth/ui/`)
    const login = page.locator('#login-username')
    await login.getByLabel('Username').fill('alice')
    await login.getByLabel('Password').fill(PASSWORD)
    await login.locator('button[type=submit]').click()
    await waitForStatus(page, 'alice')
    await page.locator('a', { hasText: 'Passwordless' }).click()
    await page.waitForURL(`${origin}/api/auth/ui/passwordless/`)
    expect(await statusText(page)).toContain('alice')

    // Add a passkey: the virtual authenticator answers navigator.credentials.create().
    await page.locator('#passkey-add').getByLabel('Name').fill('Test laptop')
    await page.locator('#passkey-add button[type=submit]').click()
    await expectCall(page, '/api/auth/passkeys/register/', 201)
    await page.locator('#passkey-list .passkey', { hasText: 'Test laptop' }).waitFor()
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId })
    expect(credentials.length).toBe(1)
    expect(credentials[0]!.isResidentCredential).toBe(true)
    await page.screenshot({ path: join(SHOTS, '01-passkey-added.png'), fullPage: true })

    // Rename it from the list.
    const item = page.locator('#passkey-list .passkey').first()
    await item.getByLabel('New name').fill('Work laptop')
    await item.getByRole('button', { name: 'Rename' }).click()
    await page.locator('#passkey-list .passkey', { hasText: 'Work laptop' }).waitFor()

    // Log out, then sign in with the passkey (no username typed).
    await page.locator('#logout button[type=submit]').click()
    await waitForStatus(page, 'Not authenticated')
    await page.locator('#passkey-login button[type=submit]').click()
    await expectCall(page, '/api/auth/passkeys/login/', 200)
    await waitForStatus(page, 'alice')
    await page.locator('#passkey-list .passkey', { hasText: 'last used 20' }).waitFor()
    await page.screenshot({ path: join(SHOTS, '02-signed-in-with-passkey.png'), fullPage: true })

    // Log out, ask for a sign-in link, open it from the main page's mailbox.
    await page.locator('#logout button[type=submit]').click()
    await waitForStatus(page, 'Not authenticated')
    await page.locator('#email-link').getByLabel('E-mail').fill('alice@example.com')
    await page.locator('#email-link button[type=submit]').click()
    await expectCall(page, '/api/auth/login/email-link/', 200)
    await page.goto(`${origin}/api/auth/ui/#mailbox`)
    const mail = page.locator('#mail-list .mails button', { hasText: 'sign-in link' }).first()
    await mail.click()
    const link = page.locator('#mail-view a.mail-link').first()
    await link.waitFor()
    expect(await link.getAttribute('href')).toStartWith(`${origin}/sign-in-link?token=`)
    const [linkPage] = await Promise.all([context!.waitForEvent('page'), link.click()])
    await linkPage.waitForLoadState()
    await linkPage.getByRole('button', { name: 'Sign in' }).click()
    await linkPage.locator('.done', { hasText: 'You are signed in' }).waitFor()
    await linkPage.screenshot({ path: join(SHOTS, '03-signed-in-by-link.png'), fullPage: true })
    await linkPage.close()
    await page.goto(`${origin}/api/auth/ui/passwordless/`)
    expect(await statusText(page)).toContain('alice')

    // Deleting the passkey from the list empties it.
    await page.locator('#passkey-list .passkey').first().getByRole('button', { name: 'Delete' }).click()
    await page.locator('#passkey-list', { hasText: 'No passkeys yet.' }).waitFor()

    expect(pageErrors).toEqual([])
  }, 90_000)
})
