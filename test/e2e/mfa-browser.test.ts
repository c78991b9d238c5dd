// MFA end to end in a real headless Chromium: the real server (`serve --dev` with USE_MFA), a person who
// sets up an authenticator app through the testing UI (the TOTP code computed here from the QR code's
// secret, as the app would), logs out, and logs in again through the second step.
// Screenshots go to test-artifacts/ui-e2e/ (git-ignored).
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { Secret, TOTP } from 'otpauth'
import type { Page } from 'playwright-core'
import { type Browser, type DevServer, launchChromium, startDevServer } from '../helpers/dev-server.ts'

const SHOTS = join(import.meta.dir, '..', '..', 'test-artifacts', 'ui-e2e')
const PASSWORD = 'Tea-with-the-Hatter-1865'

let server: DevServer | undefined
let browser: Browser | undefined

/** Clicks `button` and waits for the API call it makes to show in the viewer with `status`. */
async function call(page: Page, button: string, method: string, path: string, status: number) {
  const before = await page.locator('#responses .resp').count()
  await page.locator(button).click()
  const entry = page.locator('#responses .resp').first()
  await page.locator('#responses .resp').nth(before).waitFor()
  await entry.locator('.path', { hasText: path }).waitFor()
  expect(await entry.locator('.method').textContent()).toBe(method)
  expect(await entry.locator('.path').textContent()).toBe(path)
  expect(await entry.locator('.status').textContent()).toBe(String(status))
  return JSON.parse((await entry.locator('pre').textContent()) ?? 'null')
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true })
  server = await startDevServer('USE_MFA = true\nACCOUNT_EMAIL_VERIFICATION = "none"\n')
  browser = await launchChromium(server.origin)
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await server?.stop()
})

describe('MFA in the testing UI, in Chromium', () => {
  it('set up an authenticator app from the QR code, confirm it, log out, log in through the second step', async () => {
    const page = await browser!.context.newPage()
    await page.goto(`${server!.origin}/api/auth/ui/`)
    await page.locator('#sec-mfa').waitFor()

    const register = page.locator('#register')
    await register.getByLabel('Username').fill('alice')
    await register.getByLabel('E-mail').fill('alice@example.com')
    await register.getByLabel('Password', { exact: true }).fill(PASSWORD)
    await register.getByLabel('Password again').fill(PASSWORD)
    await call(page, '#register button[type=submit]', 'POST', '/api/auth/registration/', 201)

    const login = page.locator('#login-username')
    await login.getByLabel('Username').fill('alice')
    await login.getByLabel('Password').fill(PASSWORD)
    const plain = await call(page, '#login-username button[type=submit]', 'POST', '/api/auth/login/', 200)
    expect(plain.mfa_enabled).toBe(false)
    await page.locator('#status strong', { hasText: 'alice' }).waitFor()

    // Set up the app method: the QR code and the backup codes are shown once.
    await page.locator('#mfa-create').getByLabel('Method').selectOption('app')
    const created = await call(page, '#mfa-create button[type=submit]', 'POST', '/api/auth/mfa/', 201)
    expect(created.backup_codes).toHaveLength(10)
    await page.locator('#mfa-qr').waitFor()
    expect(await page.locator('#mfa-qr').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true)
    expect(await page.locator('#mfa-setup .backup-codes li').count()).toBe(10)
    const link = (await page.locator('#mfa-setup .qr-link').textContent())!
    expect(link).toStartWith('otpauth://totp/')
    await page.screenshot({ path: join(SHOTS, 'mfa-01-qr.png'), fullPage: true })
    const secret = new URL(link).searchParams.get('secret')!
    const totp = new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 })

    // Confirm it with the code the app shows now; it becomes the primary method.
    await page.locator('#mfa-confirm').getByLabel('Method').selectOption('app')
    await page.locator('#mfa-confirm').getByLabel('Code').fill(totp.generate())
    await call(page, '#mfa-confirm button[type=submit]', 'POST', '/api/auth/mfa/confirm/', 200)
    await page.locator('#mfa-methods tr[data-method=app] td', { hasText: 'yes' }).nth(2).waitFor()

    await call(page, '#logout button[type=submit]', 'POST', '/api/auth/logout/', 200)
    await page.locator('#status .badge.off').waitFor()

    // Log in: the first step answers an ephemeral token, which the page carries into the code form.
    await login.getByLabel('Username').fill('alice')
    await login.getByLabel('Password').fill(PASSWORD)
    const step = await call(page, '#login-username button[type=submit]', 'POST', '/api/auth/login/', 200)
    expect(step).toMatchObject({ method: 'app', mfa_enabled: true })
    expect(await page.locator('#status').textContent()).toContain('Not authenticated')
    expect(await page.locator('#mfa-verify input[name=ephemeral_token]').inputValue()).toBe(step.ephemeral_token)
    // "Send the code again": a new token replaces the old one in every form of the step.
    const resent = await call(page, '#mfa-resend button[type=submit]', 'POST', '/api/auth/login/resend/', 200)
    expect(resent.ephemeral_token).not.toBe(step.ephemeral_token)
    expect(await page.locator('#mfa-verify input[name=ephemeral_token]').inputValue()).toBe(resent.ephemeral_token)
    // The confirming code was spent; the app's next code (one step ahead, inside the window) is a new one.
    await page.locator('#mfa-verify').getByLabel('Code').fill(totp.generate({ timestamp: Date.now() + 30_000 }))
    await page.screenshot({ path: join(SHOTS, 'mfa-02-second-step.png'), fullPage: true })
    await call(page, '#mfa-verify button[type=submit]', 'POST', '/api/auth/login/verify/', 200)
    await page.locator('#status strong', { hasText: 'alice' }).waitFor()
    expect(await page.locator('#status').textContent()).toContain('Authenticated')
    await page.screenshot({ path: join(SHOTS, 'mfa-03-logged-in.png'), fullPage: true })

    expect(browser!.consoleErrors).toEqual([])
    expect(browser!.foreignRequests).toEqual([])
  }, 60_000)
})
