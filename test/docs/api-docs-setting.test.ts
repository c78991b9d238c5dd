// API_DOCS: an operator who does not want the API described in public turns the documentation routes off.
import { describe, expect, it } from 'bun:test'
import { makeTestApp } from '../helpers/app.ts'

const DOC_ROUTES = ['/api/schema/', '/api/docs/', '/api/redoc/', '/api/docs/static/swagger-ui.css']

describe('API_DOCS', () => {
  it('serves the schema and both documentation pages by default', async () => {
    const t = makeTestApp()
    for (const path of DOC_ROUTES) expect({ path, status: (await t.req(path)).status }).toEqual({ path, status: 200 })
  })

  it('API_DOCS=false answers 404 on every documentation route, the API itself unaffected', async () => {
    const t = makeTestApp({ apiDocs: false })
    for (const path of DOC_ROUTES) {
      const res = await t.req(path)
      expect({ path, status: res.status }).toEqual({ path, status: 404 })
      expect(await res.json()).toEqual({ detail: 'Not found.', code: 'not_found' })
    }
    expect((await t.req('/api/auth/csrf/')).status).toBe(200)
  })
})
