// /api/docs/ and /api/redoc/: served from the binary, and nothing on them reaches another host
// (the machine may have no internet; ReDoc and Swagger UI would otherwise fetch by themselves).
import { describe, expect, it } from 'bun:test'
import { Window } from 'happy-dom'
import { REDOC_PATCHES } from '../../src/docs/assets.ts'
import { makeTestApp } from '../helpers/app.ts'

const PAGES = ['/api/docs/', '/api/redoc/']

/** Every URL an element of `html` makes the browser load or send to (not plain links a person clicks). */
function referencedUrls(html: string): string[] {
  const window = new Window({ url: 'http://localhost/' })
  window.document.write(html)
  const urls: string[] = []
  for (const el of window.document.querySelectorAll('*')) {
    for (const attr of ['src', 'href', 'action', 'poster', 'data', 'formaction', 'srcset', 'background']) {
      const value = el.getAttribute(attr)
      if (value !== null) urls.push(...(attr === 'srcset' ? value.split(',').map((s) => s.trim().split(/\s+/)[0]!) : [value]))
    }
    const style = el.getAttribute('style') ?? (el.tagName === 'STYLE' ? el.textContent : '')
    for (const m of (style ?? '').matchAll(/url\(\s*['"]?([^'")]+)/g)) urls.push(m[1]!)
  }
  window.close()
  return urls
}

/** Same origin: a path, or an inline `data:` resource. */
const local = (url: string) => (url.startsWith('/') && !url.startsWith('//')) || url.startsWith('data:')

/** `default-src 'none'; img-src 'self' data:` -> { 'default-src': ["'none'"], 'img-src': ["'self'", 'data:'] } */
function parseCsp(header: string): Record<string, string[]> {
  return Object.fromEntries(
    header
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...sources]) => [name!, sources]),
  )
}

/** Absolute URLs that JS/CSS code would load by itself: an image/script `src`, a CSS `url()` or `@import`, fetch(). */
function fetchedUrls(code: string): string[] {
  const patterns = [
    /\b(?:src|srcset|href)\s*[:=]\s*["'`]((?:https?:)?\/\/[^"'`\s]+)/g,
    /\burl\(\s*["']?((?:https?:)?\/\/[^"')\s]+)/g,
    /@import\s+(?:url\()?\s*["']?((?:https?:)?\/\/[^"')\s]+)/g,
    /\b(?:fetch|importScripts|Worker|EventSource|WebSocket)\(\s*["'`]((?:https?:|wss?:)?\/\/[^"'`\s]+)/g,
    /\bvalidatorUrl\s*:\s*["'`]((?:https?:)?\/\/[^"'`\s]+)/g,
  ]
  return patterns.flatMap((re) => [...code.matchAll(re)].map((m) => m[1]!))
}

/**
 * URLs the bundles contain in such a place but never load here, each with the reason. Anything else
 * that matches fails the test, so a new bundle version that starts fetching from a CDN is caught.
 */
const KNOWN_NOT_LOADED: Record<string, string> = {
  // Swagger UI's default validator badge; swagger-boot.js sets validatorUrl: null (asserted below).
  'https://validator.swagger.io/validator': 'validator off',
  // ReDoc's "API docs by Redocly" credit: a link a person may click, not a request the page makes.
  'https://redocly.com/redoc/': 'credit link',
}

describe('the documentation pages', () => {
  it.each(PAGES)('%s is an HTML page whose every src and href points at this host', async (path) => {
    const { req } = makeTestApp()
    const res = await req(path)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toStartWith('text/html')
    const urls = referencedUrls(await res.text())
    expect(urls.length).toBeGreaterThan(1)
    expect(urls.filter((u) => !local(u))).toEqual([])
    // And each of them is served by the app itself.
    for (const url of urls.filter((u) => u.startsWith('/'))) expect({ url, status: (await req(url)).status }).toEqual({ url, status: 200 })
  })

  it.each(PAGES)('%s answers with and without the trailing slash', async (path) => {
    const { req } = makeTestApp()
    expect((await req(path.slice(0, -1))).status).toBe(200)
  })

  it.each(PAGES)('%s sends a Content-Security-Policy that allows this host only', async (path) => {
    const { req } = makeTestApp()
    const res = await req(path)
    const csp = parseCsp(res.headers.get('content-security-policy') ?? '')
    expect(csp['default-src']).toEqual(["'none'"])
    for (const directive of ['script-src', 'style-src', 'img-src', 'connect-src', 'font-src']) expect(csp[directive]).toBeDefined()
    const allowed = /^('self'|'none'|'nonce-[A-Za-z0-9_-]{16,}'|data:|blob:)$/
    const sources = Object.entries(csp).flatMap(([name, list]) => list.map((s) => `${name} ${s}`))
    expect(sources.filter((s) => !allowed.test(s.split(' ')[1]!))).toEqual([])
    // No inline or eval'd script at all: the boot scripts are files.
    expect(csp['script-src']).toEqual(["'self'"])
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
  })

  it('each page carries a fresh nonce that matches its CSP', async () => {
    const { req } = makeTestApp()
    const nonces = new Set<string>()
    for (let i = 0; i < 2; i++) {
      const res = await req('/api/redoc/')
      const nonce = /'nonce-([^']+)'/.exec(res.headers.get('content-security-policy')!)![1]!
      expect(await res.text()).toContain(`nonce="${nonce}"`)
      expect(res.headers.get('cache-control')).toBe('no-store')
      nonces.add(nonce)
    }
    expect(nonces.size).toBe(2)
  })

  it('the embedded scripts and styles load nothing from another host', async () => {
    const { req } = makeTestApp()
    const found: string[] = []
    for (const page of PAGES) {
      const html = await (await req(page)).text()
      for (const url of referencedUrls(html).filter((u) => /\.(js|css)$/.test(u))) {
        const code = await (await req(url)).text()
        for (const u of fetchedUrls(code)) if (!(u in KNOWN_NOT_LOADED)) found.push(`${url}: ${u}`)
      }
    }
    expect(found).toEqual([])
  })

  it("ReDoc's logo comes from the page, not its CDN", async () => {
    const { req } = makeTestApp()
    const bundle = await (await req('/api/docs/static/redoc.standalone.js')).text()
    expect(bundle.length).toBeGreaterThan(500_000)
    expect(bundle).not.toContain('cdn.redoc.ly')
    // The scan above would have caught it: it is a src the bundle loads by itself.
    const logo = 'https://cdn.redoc.ly/redoc/logo-mini.svg'
    expect(fetchedUrls(`{alt:"redocly logo",src:"${logo}"}`)).toEqual([logo])
  })

  it('every patch of the ReDoc bundle still finds its text exactly once (a new ReDoc version is caught here)', async () => {
    const original = await Bun.file(Bun.resolveSync('redoc/bundles/redoc.standalone.js', import.meta.dir)).text()
    const { req } = makeTestApp()
    const served = await (await req('/api/docs/static/redoc.standalone.js')).text()
    for (const patch of REDOC_PATCHES) {
      expect({ find: patch.find, count: original.split(patch.find).length - 1 }).toEqual({ find: patch.find, count: 1 })
      expect(served).toContain(patch.replace)
    }
  })

  it("Swagger UI's validator badge (a request to validator.swagger.io) is turned off", async () => {
    const { req } = makeTestApp()
    const boot = await (await req('/api/docs/static/swagger-boot.js')).text()
    expect(boot).toContain('validatorUrl: null')
  })

  it('the assets are served with their types, and an unknown one is a 404', async () => {
    const { req } = makeTestApp()
    const js = await req('/api/docs/static/swagger-ui-bundle.js')
    expect(js.headers.get('content-type')).toStartWith('text/javascript')
    expect((await js.text()).length).toBeGreaterThan(1_000_000)
    expect((await req('/api/docs/static/swagger-ui.css')).headers.get('content-type')).toStartWith('text/css')
    for (const name of ['nothing.js', 'constructor', '__proto__', 'toString', '..%2Fpackage.json']) {
      const missing = await req(`/api/docs/static/${name}`)
      expect({ name, status: missing.status }).toEqual({ name, status: 404 })
      expect(await missing.json()).toEqual({ detail: 'Not found.', code: 'not_found' })
    }
  })
})
