// A page of the app in happy-dom with htmx and the UI's ui.js running, its requests routed into
// app.handle (no port) with a cookie jar. Tied to happy-dom 21 and htmx 2.0.x (see the shims below).
import { Window } from 'happy-dom'

interface Handle {
  handle(request: Request): Promise<Response>
}

const htmxSrc = await Bun.file(require.resolve('htmx.org/dist/htmx.min.js')).text()
const uiSrc = await Bun.file(`${import.meta.dir}/../../src/ui/static/ui.js`).text()

/** The browser's cookies: sent on every request, updated from every Set-Cookie, mirrored to document.cookie unless HttpOnly. */
export class CookieJar {
  readonly cookies = new Map<string, { value: string; httpOnly: boolean }>()
  /** Called with each cookie a response sets (or clears, with value null), to keep document.cookie in step. */
  onChange: (name: string, value: string | null, httpOnly: boolean) => void = () => {}

  header(): string {
    return [...this.cookies].map(([name, c]) => `${name}=${c.value}`).join('; ')
  }

  get(name: string): string | undefined {
    return this.cookies.get(name)?.value
  }

  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';').map((s) => s.trim())
      const eq = pair!.indexOf('=')
      const name = pair!.slice(0, eq)
      const value = pair!.slice(eq + 1)
      const lower = attrs.map((a) => a.toLowerCase())
      const maxAge = lower.find((a) => a.startsWith('max-age='))
      const expires = attrs.find((a) => a.toLowerCase().startsWith('expires='))
      const expired =
        (maxAge !== undefined && Number(maxAge.slice(8)) <= 0) ||
        (expires !== undefined && Date.parse(expires.slice(8)) <= Date.now()) ||
        value === ''
      const httpOnly = lower.includes('httponly')
      if (expired) this.cookies.delete(name)
      else this.cookies.set(name, { value, httpOnly })
      this.onChange(name, expired ? null : value, httpOnly)
    }
  }
}

/** Sends `init` to `path` with the jar's cookies and keeps what the response sets. */
export async function fetchWithJar(app: Handle, jar: CookieJar, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers)
  const cookie = jar.header()
  if (cookie) headers.set('cookie', cookie)
  const res = await app.handle(new Request(new URL(path, 'http://localhost'), { ...init, headers }))
  jar.store(res)
  return res
}

export interface Page {
  readonly window: Window
  readonly document: Window['document']
  readonly jar: CookieJar
  /** Every request the page made, as "METHOD /path". */
  readonly requests: string[]
  /** Waits until htmx's requests, swaps and the requests they trigger are done. */
  settle(): Promise<void>
  /** Sets an input's value (by CSS selector). */
  fill(selector: string, value: string): void
  /** What the page printed to the console (htmx logs its errors there), less happy-dom's notice that it
   * does not load iframes (the mailbox's HTML frame; the Chromium test covers that). */
  consoleOutput(): string
  /** Clicks an element (by CSS selector) and settles. */
  click(selector: string): Promise<void>
  close(): Promise<void>
}

type Loose = Record<string, unknown> & { eval(code: string): unknown }

export async function openPage(app: Handle, path: string, opts: { jar?: CookieJar; accept?: string } = {}): Promise<Page> {
  const jar = opts.jar ?? new CookieJar()
  const requests: string[] = []
  const window = new Window({
    url: 'http://localhost/',
    settings: {
      // Test-only: the scripts evaluated are htmx and the UI's own ui.js.
      enableJavaScriptEvaluation: true,
      suppressInsecureJavaScriptEnvironmentWarning: true,
      disableJavaScriptFileLoading: true,
      handleDisabledFileLoadingAsSuccess: true,
      disableCSSFileLoading: true,
      fetch: {
        interceptor: {
          async beforeAsyncRequest({ request, window }) {
            const url = new URL(request.url)
            requests.push(`${request.method} ${url.pathname}`)
            const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.arrayBuffer()
            const res = await fetchWithJar(app, jar, url.pathname + url.search, {
              method: request.method,
              headers: [...request.headers.entries()],
              body,
            })
            return new window.Response(await res.arrayBuffer(), { status: res.status, headers: [...res.headers.entries()] })
          },
        },
      },
    },
  })
  const w = window as unknown as Loose
  jar.onChange = (name, value, httpOnly) => {
    if (httpOnly) return
    window.document.cookie =
      value === null ? `${name}=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT` : `${name}=${value}; path=/`
  }
  for (const [name, c] of jar.cookies) jar.onChange(name, c.value, c.httpOnly)

  const first = await fetchWithJar(app, jar, path, { headers: { accept: opts.accept ?? 'text/html' } })
  window.document.write(await first.text())

  // Shim 1: htmx checks `instanceof Document`, which happy-dom's document fails.
  w.eval('Document = HTMLDocument')
  // Shim 2: no XPathEvaluator in happy-dom; htmx only uses it to find hx-on:* attributes.
  w.XPathEvaluator = class {
    createExpression() {
      return { evaluate: () => ({ iterateNext: () => null }) }
    }
  }
  // Shim 3: DOMParser drops table rows inside <template>, which is how htmx parses fragments.
  const Orig = w.DOMParser as new () => { parseFromString(html: string, type: string): unknown }
  w.DOMParser = class {
    parseFromString(html: string, type: string) {
      const m = /^<body><template class="internal-htmx-wrapper">([\s\S]*)<\/template><\/body>$/.exec(html)
      if (!m) return new Orig().parseFromString(html, type)
      const doc = window.document.implementation.createHTMLDocument()
      const tpl = doc.createElement('template')
      tpl.innerHTML = m[1]!
      doc.body.appendChild(tpl)
      return doc
    }
  }
  w.eval(htmxSrc)
  w.eval(uiSrc)
  // As in a browser, DOMContentLoaded comes after the deferred scripts: htmx then reads its <meta> config,
  // processes the body and attaches the `htmx.on` listeners (document.write already went past that point).
  window.document.dispatchEvent(new window.Event('DOMContentLoaded'))

  const settle = async () => {
    // Until quiet: a finished API call triggers `authkit:changed`, whose fragment requests start afterwards.
    for (let i = 0; i < 3; i++) {
      await window.happyDOM.waitUntilComplete()
      await new Promise((resolve) => setTimeout(resolve, 0))
    }
  }
  const doc = window.document
  return {
    window,
    document: doc,
    jar,
    requests,
    settle,
    fill(selector, value) {
      const input = doc.querySelector(selector) as unknown as { value: string } | null
      if (!input) throw new Error(`no element matches ${selector}`)
      input.value = value
    },
    consoleOutput: () =>
      window.happyDOM.virtualConsolePrinter
        .read()
        .map((entry) => entry.message.map((part) => (part instanceof Error ? part.message : String(part))).join(' '))
        .filter((line) => !line.includes('Iframe page loading is disabled'))
        .join('\n'),
    async click(selector) {
      const el = doc.querySelector(selector) as unknown as { click(): void } | null
      if (!el) throw new Error(`no element matches ${selector}`)
      el.click()
      await settle()
    },
    close: () => window.happyDOM.close(),
  }
}
