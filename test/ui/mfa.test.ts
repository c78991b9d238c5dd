// The testing UI's MFA part: shown only with USE_MFA, its forms pointed at the real routes, the methods
// table read through GET mfa/, and the MFA code mail readable in the mailbox.
import { describe, expect, it } from 'bun:test'
import { call, client, enrolApp, mfaApp } from '../mfa/helpers.ts'

const ROUTES = [
  '/api/auth/login/verify/',
  '/api/auth/login/change-method/',
  '/api/auth/login/resend/',
  '/api/auth/mfa/',
  '/api/auth/mfa/confirm/',
  '/api/auth/mfa/primary/',
  '/api/auth/mfa/send/',
  '/api/auth/mfa/deactivate/',
  '/api/auth/mfa/delete/',
  '/api/auth/mfa/backup-codes/regenerate/',
]

describe('testing UI, MFA', () => {
  it('the MFA section is on the page only with USE_MFA, with a form for every MFA route', async () => {
    const off = mfaApp({ debug: true, useMfa: false })
    expect(await (await off.req('/api/auth/ui/')).text()).not.toContain('sec-mfa')
    expect((await off.req('/api/auth/ui/mfa/methods/')).status).toBe(404)
    const t = mfaApp({ debug: true })
    const html = await (await t.req('/api/auth/ui/')).text()
    expect(html).toContain('id="sec-mfa"')
    for (const route of ROUTES) expect(html).toContain(`hx-post="${route}"`)
    expect(html).toContain('/api/auth/ui/static/mfa.js')
    expect((await t.req('/api/auth/ui/static/mfa.js')).status).toBe(200)
  })

  it('the methods table shows what GET mfa/ says for the logged-in user', async () => {
    const t = mfaApp({ debug: true })
    const c = await client(t)
    expect(await (await t.req('/api/auth/ui/mfa/methods/')).text()).toContain('Log in to see')
    await enrolApp(c)
    const html = await (await t.req('/api/auth/ui/mfa/methods/', { headers: c.headers })).text()
    expect(html).toContain('data-method="app"')
    expect(html.replace(/\s+/g, ' ')).toMatch(/data-method="app">.*<td>yes<\/td><td>yes<\/td><td>yes<\/td><td>10<\/td>/)
  })

  it('MFA code mails are readable in the mailbox', async () => {
    const t = mfaApp({ debug: true })
    const c = await client(t)
    await call(c, 'mfa/', { method: 'email' })
    const list = await (await t.req('/api/auth/ui/mailbox/')).text()
    expect(list).toContain('mfa_code')
    const id = /\/api\/auth\/ui\/mailbox\/(\d+)\//.exec(list)![1]
    const view = await (await t.req(`/api/auth/ui/mailbox/${id}/`)).text()
    expect(view).toMatch(/verification code: \d{6}/)
  })
})
