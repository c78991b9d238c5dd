// GET / leads a newcomer somewhere: a page for browsers, JSON naming the API's root for API clients.
import { describe, expect, it } from 'bun:test'
import { makeTestApp } from '../helpers/app.ts'

const browser = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' }

describe('GET /', () => {
  it('an API client gets JSON naming the API root, the schema and the docs', async () => {
    const res = await makeTestApp().req('/')
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ api: '/api/auth/', schema: '/api/schema/', docs: '/api/docs/' })
  })

  it('a browser gets a page linking the docs; the testing UI only with DEBUG', async () => {
    const off = await makeTestApp().req('/', { headers: browser })
    expect(off.headers.get('content-type')).toStartWith('text/html')
    const page = await off.text()
    expect(page).toContain('href="/api/docs/"')
    expect(page).not.toContain('href="/api/auth/ui/"')
    const on = await (await makeTestApp({ debug: true }).req('/', { headers: browser })).text()
    expect(on).toContain('href="/api/auth/ui/"')
    expect((await (await makeTestApp({ debug: true }).req('/')).json()).ui).toBe('/api/auth/ui/')
  })

  it('the site name is escaped in the page', async () => {
    const page = await (await makeTestApp({ siteName: '<script>x</script>' }).req('/', { headers: browser })).text()
    expect(page).not.toContain('<script>x')
    expect(page).toContain('&lt;script&gt;x')
  })
})
