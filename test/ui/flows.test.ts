// HTMX flows of the testing UI in happy-dom: the real htmx and ui.js, every request through app.handle.
import { describe, expect, it } from 'bun:test'
import { type Page, openPage } from '../helpers/htmx-browser.ts'
import { PASSWORD, insertUser, uiApp } from './fixtures.ts'

const NEW_PASSWORD = 'another-Horse-staple-42'

/** The response viewer's entries, newest first, as "METHOD /path STATUS". */
const viewer = (page: Page) =>
  [...page.document.querySelectorAll('#responses .resp')].map(
    (li) => `${li.querySelector('.method')!.textContent} ${li.querySelector('.path')!.textContent} ${li.querySelector('.status')!.textContent}`,
  )

const lastBody = (page: Page) => JSON.parse(page.document.querySelector('#responses .resp pre')!.textContent!)

async function submit(page: Page, form: string, values: Record<string, string>) {
  for (const [name, value] of Object.entries(values)) page.fill(`#${form} [name=${name}]`, value)
  await page.click(`#${form} button[type=submit]`)
}

describe('testing UI flows (htmx in happy-dom)', () => {
  it('register, verify from the mailbox, log in, update the profile, change the password, log out', async () => {
    const t = uiApp()
    const page = await openPage(t.app, '/api/auth/ui/')
    try {
      expect(page.document.querySelector('#status')!.textContent).toContain('Not authenticated')

      await submit(page, 'register', { username: 'alice', email: 'Alice@Example.com', password1: PASSWORD, password2: PASSWORD })
      expect(viewer(page)[0]).toBe('POST /api/auth/registration/ 201')
      expect(lastBody(page).detail).toBe('Verification e-mail sent.')
      expect(page.document.querySelector('#responses .resp')!.className).toContain('s2xx')

      // The mailbox refreshed itself; open the verification mail and verify through the API.
      const mail = page.document.querySelector('#mail-list .mails button')
      expect(mail!.textContent).toContain('alice@example.com')
      await page.click('#mail-list .mails button')
      expect(page.document.querySelector('#mail-view a.mail-link')!.getAttribute('href')).toStartWith('http://localhost/verify-email?key=')
      await page.click('#mail-view [hx-post="/api/auth/registration/verify-email/"]')
      expect(viewer(page)[0]).toBe('POST /api/auth/registration/verify-email/ 200')

      await submit(page, 'login-username', { username: 'alice', password: PASSWORD })
      expect(viewer(page)[0]).toBe('POST /api/auth/login/ 200')
      expect((page.document.querySelector('#login-username [name=password]') as unknown as { value: string }).value).toBe('')
      expect(page.document.querySelector('#status')!.textContent).toContain('Authenticated')
      expect(page.document.querySelector('#status strong')!.textContent).toBe('alice')
      expect(page.jar.get('csrftoken')).toBeTruthy()
      // The access token of the login is offered to the token/verify form.
      expect((page.document.querySelector('#token-verify [name=token]') as unknown as { value: string }).value).toBe(lastBody(page).access_token)

      await submit(page, 'profile-update', { first_name: 'Alice', last_name: 'Liddell' })
      expect(viewer(page)[0]).toBe('PUT /api/auth/user/ 200')
      expect(page.document.querySelector('#profile dl')!.textContent).toContain('Alice Liddell')

      await submit(page, 'password-change', { old_password: PASSWORD, new_password1: NEW_PASSWORD, new_password2: NEW_PASSWORD })
      expect(viewer(page)[0]).toBe('POST /api/auth/password/change/ 200')
      expect(lastBody(page)).toEqual({ detail: 'New password has been saved.' })

      await page.click('#logout button[type=submit]')
      expect(viewer(page)[0]).toBe('POST /api/auth/logout/ 200')
      expect(page.document.querySelector('#status')!.textContent).toContain('Not authenticated')

      await submit(page, 'login-email', { email: 'alice@example.com', password: NEW_PASSWORD })
      expect(viewer(page)[0]).toBe('POST /api/auth/login/ 200')
      expect(page.consoleOutput()).toBe('')
    } finally {
      await page.close()
    }
  })

  it('the UI sends X-CSRFToken from the csrftoken cookie on cookie-authenticated calls', async () => {
    const t = uiApp({ accountEmailVerification: 'none' })
    const page = await openPage(t.app, '/api/auth/ui/')
    try {
      await submit(page, 'register', { username: 'bob', email: 'bob@example.com', password1: PASSWORD, password2: PASSWORD })
      await submit(page, 'login-username', { username: 'bob', password: PASSWORD })
      // The same PATCH the page sends, without the header: the API refuses it; the page's own call passes.
      const cookie = page.jar.header()
      const bare = await t.req('/api/auth/user/', {
        method: 'PATCH',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'first_name=Mallory',
      })
      expect(bare.status).toBe(403)
      page.fill('#profile-update [name=first_name]', 'Bobby')
      await page.click('#profile-update button[hx-patch]')
      expect(viewer(page)[0]).toBe('PATCH /api/auth/user/ 200')
      expect(lastBody(page).first_name).toBe('Bobby')
    } finally {
      await page.close()
    }
  })

  it('shows errors in the viewer, coloured as 4xx, and leaves the page as it was', async () => {
    const t = uiApp()
    const page = await openPage(t.app, '/api/auth/ui/')
    try {
      await submit(page, 'login-username', { username: 'nobody', password: 'wrong-password' })
      expect(viewer(page)[0]).toBe('POST /api/auth/login/ 400')
      expect(lastBody(page)).toEqual({ non_field_errors: ['Unable to log in with provided credentials.'] })
      expect(page.document.querySelector('#responses .resp')!.className).toContain('s4xx')
      await page.click('#profile button[hx-get="/api/auth/user/"]')
      expect(viewer(page)[0]).toBe('GET /api/auth/user/ 401')
      expect(page.document.querySelector('#status')!.textContent).toContain('Not authenticated')
      // A 4xx is an answer to show, not a page error: htmx logs nothing for it.
      expect(page.consoleOutput()).toBe('')
    } finally {
      await page.close()
    }
  })

  it('password reset: the mail fills the confirm form, and the new password logs in', async () => {
    const t = uiApp({ accountEmailVerification: 'none' })
    const page = await openPage(t.app, '/api/auth/ui/')
    try {
      await submit(page, 'register', { username: 'carol', email: 'carol@example.com', password1: PASSWORD, password2: PASSWORD })
      await submit(page, 'password-reset', { email: 'carol@example.com' })
      expect(viewer(page)[0]).toBe('POST /api/auth/password/reset/ 200')
      await page.click('#mail-list .mails button') // newest first: the reset mail
      expect(page.document.querySelector('#mail-view a.mail-link')!.getAttribute('href')).toStartWith('http://localhost/reset-password?uid=')
      await page.click('#mail-view [data-fill]')
      const value = (name: string) => (page.document.querySelector(`#reset-confirm [name=${name}]`) as unknown as { value: string }).value
      expect(value('uid')).not.toBe('')
      expect(value('token')).not.toBe('')
      await submit(page, 'reset-confirm', { new_password1: NEW_PASSWORD, new_password2: NEW_PASSWORD })
      expect(viewer(page)[0]).toBe('POST /api/auth/password/reset/confirm/ 200')
      await submit(page, 'login-email', { email: 'carol@example.com', password: NEW_PASSWORD })
      expect(viewer(page)[0]).toBe('POST /api/auth/login/ 200')
    } finally {
      await page.close()
    }
  })

  it('token refresh and verify from the page', async () => {
    const t = uiApp({ accountEmailVerification: 'none' })
    const page = await openPage(t.app, '/api/auth/ui/')
    try {
      await submit(page, 'register', { username: 'dave', email: 'dave@example.com', password1: PASSWORD, password2: PASSWORD })
      await submit(page, 'login-username', { username: 'dave', password: PASSWORD })
      await page.click('#token-verify button[type=submit]')
      expect(viewer(page)[0]).toBe('POST /api/auth/token/verify/ 200')
      await page.click('#token-refresh button[type=submit]') // blank field: the refresh cookie is used
      expect(viewer(page)[0]).toBe('POST /api/auth/token/refresh/ 200')
      expect(lastBody(page).access_token).toBeTruthy()
    } finally {
      await page.close()
    }
  })

  it('with cookies off the page keeps the login token and sends it as an Authorization header', async () => {
    const t = uiApp({ accountEmailVerification: 'none', useAuthCookie: false })
    const page = await openPage(t.app, '/api/auth/ui/')
    try {
      expect(page.document.body.getAttribute('data-header-auth')).toBe('true')
      await submit(page, 'register', { username: 'frank', email: 'frank@example.com', password1: PASSWORD, password2: PASSWORD })
      await submit(page, 'login-username', { username: 'frank', password: PASSWORD })
      expect(page.jar.cookies.size).toBe(0)
      expect(page.document.querySelector('#status strong')!.textContent).toBe('frank')
      await submit(page, 'profile-update', { first_name: 'Frank' })
      expect(viewer(page)[0]).toBe('PUT /api/auth/user/ 200')
      await page.click('#logout button[type=submit]')
      expect(viewer(page)[0]).toBe('POST /api/auth/logout/ 200')
      expect(page.document.querySelector('#status')!.textContent).toContain('Not authenticated')
    } finally {
      await page.close()
    }
  })

  it('in token mode the page logs in with a key and shows the session', async () => {
    const t = uiApp({ accountEmailVerification: 'none', authType: 'token' })
    const page = await openPage(t.app, '/api/auth/ui/')
    try {
      await submit(page, 'register', { username: 'gina', email: 'gina@example.com', password1: PASSWORD, password2: PASSWORD })
      await submit(page, 'login-email', { email: 'gina@example.com', password: PASSWORD })
      expect(viewer(page)[0]).toBe('POST /api/auth/login/ 200')
      expect(lastBody(page).key).toBeTruthy()
      expect(page.document.querySelector('#status')!.textContent).toContain('Auth type: TOKEN')
      expect(page.document.querySelector('#status strong')!.textContent).toBe('gina')
    } finally {
      await page.close()
    }
  })

  it('a username containing <script> stays text when htmx swaps the status bar in after login', async () => {
    const t = uiApp()
    const evil = '<script>window.pwned = true</script>'
    await insertUser(t, evil, 'mallory@example.com')
    const page = await openPage(t.app, '/api/auth/ui/')
    try {
      await submit(page, 'login-email', { email: 'mallory@example.com', password: PASSWORD })
      expect(viewer(page)[0]).toBe('POST /api/auth/login/ 200')
      expect(page.document.querySelector('#status strong')!.textContent).toBe(evil)
      expect(page.document.querySelector('#profile dl')!.textContent).toContain(evil)
      expect(page.document.querySelectorAll('#status script, #profile script').length).toBe(0)
      expect((page.window as unknown as { pwned?: boolean }).pwned).toBeUndefined()
    } finally {
      await page.close()
    }
  })
})
