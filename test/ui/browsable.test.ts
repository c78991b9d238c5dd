// The browsable API: a browser opening an API route sees its JSON answer and forms for its other methods;
// API clients asking for JSON see no difference.
import { describe, expect, it } from 'bun:test'
import { prefersHtml } from '../../src/ui/browsable.ts'
import { CookieJar, fetchWithJar, openPage } from '../helpers/htmx-browser.ts'
import { PASSWORD, insertUser, parse, uiApp } from './fixtures.ts'

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'

async function loggedIn() {
  const t = uiApp()
  await insertUser(t, 'erin', 'erin@example.com')
  const jar = new CookieJar()
  const login = await fetchWithJar(t.app, jar, '/api/auth/login/', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'erin', password: PASSWORD }),
  })
  expect(login.status).toBe(200)
  return { t, jar }
}

describe('browsable API', () => {
  it('GET /api/auth/user/ in a browser shows the JSON answer pretty-printed and PUT/PATCH forms', async () => {
    const { t, jar } = await loggedIn()
    const res = await fetchWithJar(t.app, jar, '/api/auth/user/', { headers: { accept: BROWSER_ACCEPT } })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    const api = await (await fetchWithJar(t.app, jar, '/api/auth/user/')).json()
    const page = parse(await res.text())
    const d = page.document
    expect(d.querySelector('#answer')!.textContent).toBe(JSON.stringify(api, null, 2))
    expect(d.querySelector('.resp .status')!.textContent).toBe('200')
    expect(d.querySelector('#status strong')!.textContent).toBe('erin')
    expect(d.querySelector('#op-put')!.getAttribute('hx-put')).toBe('/api/auth/user/')
    expect(d.querySelector('#op-patch')!.getAttribute('hx-patch')).toBe('/api/auth/user/')
    expect(d.querySelector('#op-post')).toBeNull()
    // An index of the other routes to browse on, this one marked as current.
    const links = [...d.querySelectorAll('.routes a')].map((a) => a.getAttribute('href'))
    expect(links).toContain('/api/auth/login/')
    expect(links).toContain('/api/auth/password/reset/confirm/')
    expect(links).not.toContain('/api/auth/ui/')
    expect(d.querySelector('.routes a[aria-current=page]')!.getAttribute('href')).toBe('/api/auth/user/')
    await page.close()
  })

  it('its forms are generated from the same schemas as the OpenAPI document', async () => {
    const { t, jar } = await loggedIn()
    const doc = (await (await t.req('/api/schema/')).json()) as {
      paths: Record<string, Record<string, { requestBody: { content: Record<string, { schema: { $ref: string } }> } }>>
      components: { schemas: Record<string, { properties: Record<string, unknown>; required?: string[] }> }
    }
    const page = parse(await (await fetchWithJar(t.app, jar, '/api/auth/user/', { headers: { accept: 'text/html' } })).text())
    for (const method of ['put', 'patch']) {
      const ref = doc.paths['/api/auth/user/']![method]!.requestBody.content['application/json']!.schema.$ref
      const schema = doc.components.schemas[ref.split('/').pop()!]!
      const inputs = [...page.document.querySelectorAll(`#op-${method} input`)]
      expect(inputs.map((i) => i.getAttribute('name')).sort()).toEqual(Object.keys(schema.properties).sort())
      const required = inputs.filter((i) => page.document.querySelector(`#${i.id}-hint`)!.textContent!.startsWith('required'))
      expect(required.map((i) => i.getAttribute('name')).sort()).toEqual((schema.required ?? []).sort())
    }
    await page.close()
  })

  it('an anonymous browser sees the 401 answer, with the same status', async () => {
    const t = uiApp()
    const res = await t.req('/api/auth/user/', { headers: { accept: BROWSER_ACCEPT } })
    expect(res.status).toBe(401)
    const page = parse(await res.text())
    expect(JSON.parse(page.document.querySelector('#answer')!.textContent!)).toEqual({
      detail: 'Authentication credentials were not provided.',
      code: 'not_authenticated',
    })
    await page.close()
  })

  it('a POST-only route shows its 405 answer and a form for POST', async () => {
    const t = uiApp()
    const res = await t.req('/api/auth/login/', { headers: { accept: BROWSER_ACCEPT } })
    expect(res.status).toBe(405)
    const page = parse(await res.text())
    const names = [...page.document.querySelectorAll('#op-post input')].map((i) => i.getAttribute('name'))
    expect(names).toContain('password')
    expect(page.document.querySelector('#op-post input[name=password]')!.getAttribute('type')).toBe('password')
    await page.close()
  })

  it('API clients asking for JSON see no difference', async () => {
    const { t, jar } = await loggedIn()
    const expected = await (await fetchWithJar(t.app, jar, '/api/auth/user/', { headers: { accept: 'application/json' } })).text()
    for (const headers of [
      {},
      { accept: '*/*' },
      { accept: 'application/json, text/html;q=0.5' },
      { accept: BROWSER_ACCEPT, 'hx-request': 'true' },
    ] as Record<string, string>[]) {
      const res = await fetchWithJar(t.app, jar, '/api/auth/user/', { headers })
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toContain('application/json')
      expect(await res.text()).toBe(expected)
    }
    // Unknown paths and the schema stay as they are, too.
    const missing = await t.req('/api/auth/nope/', { headers: { accept: BROWSER_ACCEPT } })
    expect(missing.status).toBe(404)
    expect(missing.headers.get('content-type')).toContain('application/json')
  })

  it('a browsable GET sets the cookies the API call sets (csrf/)', async () => {
    const t = uiApp()
    const api = await t.req('/api/auth/csrf/')
    const page = await t.req('/api/auth/csrf/', { headers: { accept: BROWSER_ACCEPT } })
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
    const names = (res: Response) => res.headers.getSetCookie().map((c) => c.split('=')[0])
    expect(names(api)).toContain('csrftoken')
    expect(names(page)).toEqual(names(api))
  })

  it('its PATCH form calls the real API with the CSRF header and shows the answer', async () => {
    const { t, jar } = await loggedIn()
    const page = await openPage(t.app, '/api/auth/user/', { jar, accept: BROWSER_ACCEPT })
    try {
      page.fill('#op-patch [name=first_name]', 'Erin')
      await page.click('#op-patch button[type=submit]')
      const entry = page.document.querySelector('#responses .resp')!
      expect(entry.querySelector('.status')!.textContent).toBe('200')
      expect(JSON.parse(entry.querySelector('pre')!.textContent!).first_name).toBe('Erin')
      expect(page.requests).toContain('PATCH /api/auth/user/')
      expect(page.consoleOutput()).toBe('')
    } finally {
      await page.close()
    }
  })
})

describe('prefersHtml', () => {
  const req = (accept: string | null, init: RequestInit = {}) =>
    new Request('http://localhost/api/auth/user/', { ...init, headers: accept === null ? {} : { accept } })
  it('is true for a browser navigation and false for API clients', () => {
    expect(prefersHtml(req(BROWSER_ACCEPT))).toBe(true)
    expect(prefersHtml(req('text/html'))).toBe(true)
    expect(prefersHtml(req(null))).toBe(false)
    expect(prefersHtml(req('*/*'))).toBe(false)
    expect(prefersHtml(req('application/json'))).toBe(false)
    expect(prefersHtml(req('application/json, text/html'))).toBe(false)
    expect(prefersHtml(req('text/html;q=0.4, application/json;q=0.9'))).toBe(false)
    expect(prefersHtml(req('text/*, application/json;q=0.5'))).toBe(true)
    expect(prefersHtml(req('text/html;q=0'))).toBe(false)
    expect(prefersHtml(req('text/html', { method: 'POST' }))).toBe(false)
  })
})
