// CORS (API.md §1): listed origins get credentialed CORS headers and preflight answers; others get none.
import { describe, expect, it } from 'bun:test'
import { makeTestApp } from '../helpers/app.ts'

const APP = 'https://app.example.com'
const preflight = (origin: string) => ({
  method: 'OPTIONS',
  headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, x-csrftoken' },
})
const corsHeaders = (res: Response) => [...res.headers.keys()].filter((k) => k.startsWith('access-control-'))

describe('CORS', () => {
  it('a preflight from an allowed origin is answered', async () => {
    const t = makeTestApp({ corsAllowedOrigins: [APP] })
    const res = await t.req('/api/auth/login/', preflight(APP))
    expect(res.status).toBe(204)
    expect(res.headers.get('access-control-allow-origin')).toBe(APP)
    expect(res.headers.get('access-control-allow-credentials')).toBe('true')
    expect(res.headers.get('access-control-allow-methods')).toContain('POST')
    const allowed = res.headers.get('access-control-allow-headers')!.toLowerCase()
    for (const h of ['authorization', 'content-type', 'x-csrftoken']) expect(allowed).toContain(h)
    expect(res.headers.get('vary')).toContain('Origin')
  })

  it('a preflight from any other origin gets no CORS headers', async () => {
    const t = makeTestApp({ corsAllowedOrigins: [APP] })
    for (const origin of ['https://evil.example.com', 'https://app.example.com.evil.com', 'http://app.example.com', 'null']) {
      const res = await t.req('/api/auth/login/', preflight(origin))
      expect(corsHeaders(res)).toEqual([])
    }
  })

  it('no origin gets CORS headers when none is configured', async () => {
    const t = makeTestApp()
    expect(corsHeaders(await t.req('/api/auth/login/', preflight(APP)))).toEqual([])
  })

  it('adds the headers to actual responses, errors included, for allowed origins only', async () => {
    const t = makeTestApp({ corsAllowedOrigins: [APP] })
    const ok = await t.req('/api/auth/csrf/', { headers: { origin: APP } })
    expect(ok.headers.get('access-control-allow-origin')).toBe(APP)
    expect(ok.headers.get('access-control-allow-credentials')).toBe('true')
    const error = await t.req('/api/auth/logout/', { method: 'POST', headers: { origin: APP } })
    expect(error.status).toBe(401)
    expect(error.headers.get('access-control-allow-origin')).toBe(APP)
    const other = await t.req('/api/auth/csrf/', { headers: { origin: 'https://evil.example.com' } })
    expect(corsHeaders(other)).toEqual([])
  })
})
