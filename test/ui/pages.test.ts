// Each page and fragment of the testing UI renders, only with DEBUG on, from the binary's own assets.
import { describe, expect, it } from 'bun:test'
import { createOutboxRepo } from '../../src/mail/outbox.repo.ts'
import { UI_CSP } from '../../src/ui/respond.ts'
import { makeTestApp } from '../helpers/app.ts'
import { PASSWORD, cookiesOf, insertUser, parse, uiApp } from './fixtures.ts'

// The markup with every quoted attribute value blanked: inside quotes `<` is plain text, elsewhere it is a tag.
const outsideAttributes = (html: string) => html.replace(/"[^"]*"/g, '""')

const UI_PATHS = ['/api/auth/ui/', '/api/auth/ui/status/', '/api/auth/ui/profile/', '/api/auth/ui/mailbox/', '/api/auth/ui/static/ui.js']

describe('testing UI availability', () => {
  it('the testing UI answers 404 when DEBUG is off', async () => {
    const t = makeTestApp({ debug: false })
    for (const path of [...UI_PATHS, '/api/auth/ui']) {
      const res = await t.req(path)
      expect(res.status).toBe(404)
      expect(await res.json()).toEqual({ detail: 'Not found.', code: 'not_found' })
    }
  })

  it('the browsable API is off when DEBUG is off: a browser gets the JSON answer', async () => {
    const t = makeTestApp({ debug: false })
    const res = await t.req('/api/auth/user/', { headers: { accept: 'text/html' } })
    expect(res.status).toBe(401)
    expect(res.headers.get('content-type')).toContain('application/json')
  })

  it('serves every page and fragment with DEBUG on, with and without the trailing slash', async () => {
    const t = uiApp()
    for (const path of UI_PATHS) expect((await t.req(path)).status).toBe(200)
    expect((await t.req('/api/auth/ui')).status).toBe(200)
  })
})

describe('main page', () => {
  it('has every form, each pointed at its real API route, with labelled inputs', async () => {
    const t = uiApp()
    const res = await t.req('/api/auth/ui/')
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    const page = parse(await res.text())
    const d = page.document
    const route = (id: string, attr: string) => d.querySelector(`#${id}`)?.getAttribute(attr)
    expect(route('register', 'hx-post')).toBe('/api/auth/registration/')
    expect(route('verify-email', 'hx-post')).toBe('/api/auth/registration/verify-email/')
    expect(route('resend-email', 'hx-post')).toBe('/api/auth/registration/resend-email/')
    expect(route('login-username', 'hx-post')).toBe('/api/auth/login/')
    expect(route('login-email', 'hx-post')).toBe('/api/auth/login/')
    expect(route('logout', 'hx-post')).toBe('/api/auth/logout/')
    expect(route('csrf', 'hx-get')).toBe('/api/auth/csrf/')
    expect(route('profile-update', 'hx-put')).toBe('/api/auth/user/')
    expect(d.querySelector('#profile-update button[hx-patch="/api/auth/user/"]')).not.toBeNull()
    expect(route('password-change', 'hx-post')).toBe('/api/auth/password/change/')
    expect(route('password-reset', 'hx-post')).toBe('/api/auth/password/reset/')
    expect(route('reset-confirm', 'hx-post')).toBe('/api/auth/password/reset/confirm/')
    expect(route('token-refresh', 'hx-post')).toBe('/api/auth/token/refresh/')
    expect(route('token-verify', 'hx-post')).toBe('/api/auth/token/verify/')
    // Every input has a label pointing at it (keyboard and screen-reader use).
    const inputs = [...d.querySelectorAll('input')]
    expect(inputs.length).toBeGreaterThan(20)
    for (const input of inputs) expect(d.querySelector(`label[for="${input.id}"]`)).not.toBeNull()
    expect(d.querySelector('#status')!.textContent).toContain('Not authenticated')
    expect(d.querySelector('#status')!.textContent).toContain('Auth type: JWT')
    expect(d.querySelector('#status')!.textContent).toContain('Cookie auth enabled')
    await page.close()
  })

  it('loads nothing from another host: only its own stylesheet and scripts, and a CSP saying so', async () => {
    const t = uiApp()
    const res = await t.req('/api/auth/ui/')
    expect(res.headers.get('content-security-policy')).toBe(UI_CSP)
    const page = parse(await res.text())
    const urls = [...page.document.querySelectorAll('[src], link[href]')].map((e) => e.getAttribute('src') ?? e.getAttribute('href')!)
    expect(urls.sort()).toEqual(['/api/auth/ui/static/htmx-2.0.11.min.js', '/api/auth/ui/static/ui.css', '/api/auth/ui/static/ui.js', 'data:,'])
    for (const url of urls) if (url !== 'data:,') expect((await t.req(url)).status).toBe(200)
    await page.close()
  })

  it('shows the login forms the settings allow', async () => {
    const onlyEmail = parse(await (await uiApp({ accountLoginMethods: ['email'] }).req('/api/auth/ui/')).text())
    expect(onlyEmail.document.querySelector('#login-email')).not.toBeNull()
    expect(onlyEmail.document.querySelector('#login-username')).toBeNull()
    await onlyEmail.close()
    const onlyUsername = parse(await (await uiApp({ accountLoginMethods: ['username'] }).req('/api/auth/ui/')).text())
    expect(onlyUsername.document.querySelector('#login-email')).toBeNull()
    expect(onlyUsername.document.querySelector('#login-username')).not.toBeNull()
    await onlyUsername.close()
  })

  it('in token mode it has no token refresh/verify forms and says TOKEN', async () => {
    const page = parse(await (await uiApp({ authType: 'token' }).req('/api/auth/ui/')).text())
    expect(page.document.querySelector('#token-refresh')).toBeNull()
    expect(page.document.querySelector('#status')!.textContent).toContain('Auth type: TOKEN')
    await page.close()
  })

  it('asks for the old password only when OLD_PASSWORD_FIELD_ENABLED', async () => {
    const page = parse(await (await uiApp({ oldPasswordFieldEnabled: false }).req('/api/auth/ui/')).text())
    expect(page.document.querySelector('#password-change [name=old_password]')).toBeNull()
    expect(page.document.querySelector('#password-change [name=new_password1]')).not.toBeNull()
    await page.close()
  })
})

describe('escaping of user-controlled values', () => {
  it('a username containing <script> comes out escaped in the status bar and the profile', async () => {
    const t = uiApp()
    const evil = '<script>alert(1)</script>'
    await insertUser(t, evil, 'evil@example.com')
    const login = await t.req('/api/auth/login/', { method: 'POST', json: { email: 'evil@example.com', password: PASSWORD } })
    expect(login.status).toBe(200)
    const html = await (await t.req('/api/auth/ui/', { headers: { cookie: cookiesOf(login) } })).text()
    expect(outsideAttributes(html)).not.toContain(evil)
    expect(html).toContain('<strong>&lt;script&gt;alert(1)&lt;/script&gt;</strong>')
    const page = parse(html)
    expect(page.document.querySelector('#status strong')!.textContent).toBe(evil)
    expect(page.document.querySelector('#profile-update [name=username]')!.getAttribute('value')).toBe(evil)
    expect(page.document.querySelectorAll('script').length).toBe(2) // htmx and ui.js, nothing injected
    await page.close()
  })

  it('a mail with markup in subject, text and HTML is shown escaped, its HTML only inside a sandboxed iframe', async () => {
    const t = uiApp()
    const id = await createOutboxRepo(t.deps.db).add(
      {
        to: 'a@example.com',
        subject: '<img src=x onerror=alert(1)>',
        text: 'Hello <script>alert(2)</script>',
        html: '<p>Hi</p><script>alert(3)</script>',
        kind: 'test',
      },
      t.clock.now(),
    )
    const list = await (await t.req('/api/auth/ui/mailbox/')).text()
    expect(outsideAttributes(list)).not.toContain('<img src=x')
    const res = await t.req(`/api/auth/ui/mailbox/${id}/`)
    const html = await res.text()
    expect(outsideAttributes(html)).not.toContain('<script>')
    expect(outsideAttributes(html)).not.toContain('<img src=x')
    const page = parse(html)
    const d = page.document
    expect(d.querySelector('#mail-subject')!.textContent).toBe('<img src=x onerror=alert(1)>')
    expect(d.querySelector('pre')!.textContent).toBe('Hello <script>alert(2)</script>')
    const frame = d.querySelector('iframe')!
    // Scripts stay off (no allow-scripts) and the frame has an opaque origin (no allow-same-origin).
    expect(frame.getAttribute('sandbox')).toBe('allow-popups allow-popups-to-escape-sandbox')
    expect(d.querySelectorAll('script, img').length).toBe(0)
    const src = frame.getAttribute('src')!
    await page.close()
    // The HTML itself is served sandboxed by its own CSP too, so even opened directly it runs no script.
    const body = await t.req(src)
    expect(body.status).toBe(200)
    const csp = body.headers.get('content-security-policy')!
    expect(csp).toStartWith('sandbox allow-popups allow-popups-to-escape-sandbox;')
    expect(csp).not.toContain('allow-scripts')
    expect(csp).not.toContain('allow-same-origin')
    expect(csp).toContain("default-src 'none'")
    expect(await body.text()).toBe('<base target="_blank"><p>Hi</p><script>alert(3)</script>')
  })
})

describe('mailbox', () => {
  it('lists the outbox newest first and 404s an unknown message', async () => {
    const t = uiApp()
    const outbox = createOutboxRepo(t.deps.db)
    await outbox.add({ to: 'a@example.com', subject: 'first', text: 'one', kind: 'test' }, t.clock.now())
    await outbox.add({ to: 'b@example.com', subject: 'second', text: 'two', kind: 'test' }, t.clock.now())
    const page = parse(await (await t.req('/api/auth/ui/mailbox/')).text())
    expect([...page.document.querySelectorAll('.mails .subject')].map((e) => e.textContent)).toEqual(['second', 'first'])
    await page.close()
    expect((await t.req('/api/auth/ui/mailbox/999/')).status).toBe(404)
    expect((await t.req('/api/auth/ui/mailbox/1/html')).status).toBe(404) // a text-only mail has no HTML body
    expect((await t.req('/api/auth/ui/mailbox/abc/')).status).toBe(404)
  })

  it('offers the verification key and the reset uid/token of a mail to the UI forms', async () => {
    const t = uiApp()
    const outbox = createOutboxRepo(t.deps.db)
    const verify = await outbox.add(
      { to: 'a@example.com', subject: 'v', text: 'Confirm: http://localhost/verify-email?key=K123.', kind: 'verify_email' },
      t.clock.now(),
    )
    const reset = await outbox.add(
      { to: 'a@example.com', subject: 'r', text: 'Reset: http://localhost/reset-password?uid=7&token=T-9', kind: 'password_reset' },
      t.clock.now(),
    )
    const v = parse(await (await t.req(`/api/auth/ui/mailbox/${verify}/`)).text())
    expect(v.document.querySelector('a.mail-link')!.getAttribute('href')).toBe('http://localhost/verify-email?key=K123')
    expect(v.document.querySelector('[hx-post="/api/auth/registration/verify-email/"]')!.getAttribute('hx-vals')).toBe('{"key":"K123"}')
    await v.close()
    const r = parse(await (await t.req(`/api/auth/ui/mailbox/${reset}/`)).text())
    expect(JSON.parse(r.document.querySelector('[data-fill]')!.getAttribute('data-fill')!)).toEqual({
      form: 'reset-confirm',
      values: { uid: '7', token: 'T-9' },
    })
    await r.close()
  })
})
