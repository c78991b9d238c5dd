// Social login end to end in a real headless Chromium: one provider configured in authkit.toml (a real
// OpenID Connect provider on loopback), the real server (`serve --dev`), and a person clicking "Sign in
// with ..." in the testing UI, signing in at the provider, and coming back signed in.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type BrowserContext, chromium } from 'playwright-core'
import { startDevServer } from '../helpers/dev-server.ts'
import { type RealProvider, startRealProvider } from './provider.ts'

const CHROMIUM = '/usr/bin/chromium'
const ROOT = join(import.meta.dir, '..', '..')
const SHOTS = join(ROOT, 'test-artifacts', 'social-e2e')

let server: ReturnType<typeof Bun.spawn> | undefined
let idp: RealProvider | undefined
let origin = ''
let dataDir = ''
let profileDir = ''
let context: BrowserContext | undefined
const pageErrors: string[] = []

/** A loopback port nobody listens on now: authkit's callback URL must be known before the provider starts. */
function freePort(): number {
  const probe = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response() })
  const port = probe.port!
  probe.stop(true)
  return port
}

async function startServer(port: number, provider: RealProvider): Promise<string> {
  dataDir = mkdtempSync(join(tmpdir(), 'authkit-social-e2e-'))
  const config = join(dataDir, 'authkit.toml')
  await Bun.write(
    config,
    [
      '[[SOCIAL_PROVIDERS]]',
      'slug = "idp"',
      'kind = "oidc"',
      'name = "Test IdP"',
      `issuer = "${provider.issuer}"`,
      `client_id = "${provider.clientId}"`,
      `client_secret = "${provider.clientSecret}"`,
      '',
    ].join('\n'),
  )
  const started = await startDevServer(['--host', '127.0.0.1', '--port', String(port), '--data', dataDir, '--config', config], dataDir)
  server = started.server
  return started.origin
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/ensure-chromium.sh`)
  mkdirSync(SHOTS, { recursive: true })
  const port = freePort()
  idp = await startRealProvider([`http://127.0.0.1:${port}/api/auth/social/idp/callback/`])
  origin = await startServer(port, idp)
  profileDir = mkdtempSync(join(tmpdir(), 'authkit-social-chromium-'))
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
  })
  // Only the two loopback servers: the provider's dev pages @import a web font, which must not leave the machine.
  await context.route('**/*', (route) => {
    const url = route.request().url()
    return url.startsWith(`${origin}/`) || url.startsWith(`${idp!.issuer}/`) ? route.continue() : route.abort()
  })
  context.on('page', (page) => page.on('pageerror', (err) => pageErrors.push(`${page.url()}: ${err.message}`)))
}, 60_000)

afterAll(async () => {
  await context?.close()
  server?.kill('SIGTERM')
  await server?.exited
  await idp?.close()
  for (const dir of [dataDir, profileDir]) if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('social login in the testing UI (Chromium)', () => {
  it('click "Sign in with Test IdP", sign in at the provider, come back signed in; the account is listed; the last way to sign in stays', async () => {
    idp!.accounts.set('chromium-user', { email: 'chromium.user@example.com', email_verified: true })
    const page = await context!.newPage()
    page.on('pageerror', (err) => pageErrors.push(`${page.url()}: ${err.message}`))
    await page.goto(`${origin}/api/auth/ui/`)
    await expect(page.locator('#status').textContent()).resolves.toContain('Not authenticated')

    await page.getByRole('link', { name: 'Sign in with Test IdP' }).click()
    // The provider's own pages: sign in, then consent.
    await page.waitForURL((url) => url.href.startsWith(idp!.issuer))
    await page.locator('input[name=login]').fill('chromium-user')
    await page.locator('input[name=password]').fill('anything')
    await page.screenshot({ path: join(SHOTS, '01-provider-login.png') })
    await page.getByRole('button', { name: 'Sign-in' }).click()
    await page.getByRole('button', { name: 'Continue' }).click()

    // Back in the testing UI, signed in as the new user.
    await page.waitForURL(`${origin}/api/auth/ui/`)
    await expect(page.locator('#status').textContent()).resolves.toContain('chromium.user')
    const social = page.locator('#sec-social')
    await expect(social.textContent()).resolves.toContain('Test IdP: chromium-user')
    await page.screenshot({ path: join(SHOTS, '02-signed-in.png'), fullPage: true })

    // Disconnecting the only way in is refused, and the page says why.
    const before = await page.locator('#responses .resp').count()
    await social.getByRole('button', { name: 'Disconnect' }).click()
    await page.locator('#responses .resp').nth(before).waitFor()
    const entry = page.locator('#responses .resp').first()
    await expect(entry.locator('.status').textContent()).resolves.toBe('400')
    await expect(entry.textContent()).resolves.toContain('This is your last way to sign in; set a password first.')
    expect(pageErrors).toEqual([])
  }, 60_000)
})
