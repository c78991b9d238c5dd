// For the browser tests: the real server started as a developer starts it (`serve --dev`, a clean
// environment, settings from the given TOML), and a headless Chromium (Debian's) that records console
// errors and requests to anywhere but that server.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type BrowserContext, chromium } from 'playwright-core'

const CHROMIUM = '/usr/bin/chromium'
const ROOT = join(import.meta.dir, '..', '..')

export interface DevServer {
  readonly origin: string
  stop(): Promise<void>
}

/** `bun src/main.ts serve --dev` on loopback (a free port unless `port` is given) with `toml` as its whole configuration. */
export async function startDevServer(toml = '', port = 0): Promise<DevServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'authkit-e2e-data-'))
  // Its own config file, so no authkit.toml in the working directory is picked up; and a clean
  // environment, so no AUTHKIT_* variable of the developer's changes the run.
  const config = join(dataDir, 'authkit-e2e.toml')
  await Bun.write(config, toml)
  const args = ['serve', '--dev', '--host', '127.0.0.1', '--port', String(port), '--data', dataDir, '--config', config]
  const server = Bun.spawn([process.execPath, join(ROOT, 'src', 'main.ts'), ...args], {
    cwd: ROOT, // bun reads tsconfig (JSX settings) from the working directory
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dataDir },
    stdout: 'pipe',
    stderr: 'inherit',
  })
  const stop = async () => {
    server.kill('SIGTERM')
    await server.exited
    rmSync(dataDir, { recursive: true, force: true })
  }
  const reader = (server.stdout as ReadableStream<Uint8Array>).getReader()
  let out = ''
  while (true) {
    const { value, done } = await reader.read()
    if (done) throw new Error(`the server exited before listening:\n${out}`)
    out += new TextDecoder().decode(value)
    const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)
    if (m) {
      reader.releaseLock()
      return { origin: m[1]!, stop }
    }
  }
}

export interface Browser {
  readonly context: BrowserContext
  /** Console errors and uncaught page errors, as "url: message". */
  readonly consoleErrors: string[]
  /** Requests that went anywhere but `origin` (data: and about: URLs aside). */
  readonly foreignRequests: string[]
  close(): Promise<void>
}

export async function launchChromium(origin: string): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/ensure-chromium.sh`)
  const profileDir = mkdtempSync(join(tmpdir(), 'authkit-e2e-chromium-'))
  const context = await chromium.launchPersistentContext(profileDir, {
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
  const consoleErrors: string[] = []
  const foreignRequests: string[] = []
  context.on('request', (req) => {
    const url = req.url()
    if (!url.startsWith(`${origin}/`) && !url.startsWith('data:') && url !== 'about:srcdoc' && url !== 'about:blank') foreignRequests.push(url)
  })
  const watch = (page: import('playwright-core').Page) => {
    page.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push(`${page.url()}: ${msg.text()}`)
    })
    page.on('pageerror', (err) => consoleErrors.push(`${page.url()}: ${err.message}`))
  }
  context.on('page', watch)
  for (const page of context.pages()) watch(page)
  return {
    context,
    consoleErrors,
    foreignRequests,
    async close() {
      await context.close()
      rmSync(profileDir, { recursive: true, force: true })
    },
  }
}
