// The testing UI tells where things went wrong and when: field errors next to their inputs, the form's
// own errors on top, a response panel that folds to a bar naming the last call, readable times, and the
// browsable API's descriptions rendered from their Markdown (escaped).
import { describe, expect, it } from 'bun:test'
import { inlineMarkdown } from '../../views/ui/markdown.tsx'
import { readableUtc } from '../../views/ui/time.tsx'
import { CookieJar, fetchWithJar, openPage } from '../helpers/htmx-browser.ts'
import { PASSWORD, insertUser, parse, uiApp } from './fixtures.ts'

const value = (el: unknown) => (el as { value: string }).value

describe('errors in place', () => {
  it("DRF field errors appear next to the inputs they are about, and go once the call succeeds", async () => {
    const t = uiApp()
    const page = await openPage(t.app, '/api/auth/ui/')
    try {
      page.fill('#register [name=email]', 'not-an-address')
      page.fill('#register [name=password1]', PASSWORD)
      page.fill('#register [name=password2]', PASSWORD)
      await page.click('#register button[type=submit]')
      const d = page.document
      expect(d.querySelector('#register-username-error')!.textContent).toBe('This field is required.')
      expect(d.querySelector('#register-email-error')!.textContent).toBe('Enter a valid email address.')
      // Right after its input, and tied to it for screen readers.
      expect(d.querySelector('#register-email')!.nextElementSibling!.id).toBe('register-email-error')
      expect(d.querySelector('#register-email')!.getAttribute('aria-invalid')).toBe('true')
      expect(d.querySelector('#register-email')!.getAttribute('aria-describedby')).toContain('register-email-error')
      expect(d.querySelector('#register-password1-error')).toBeNull()

      page.fill('#register [name=username]', 'alice')
      page.fill('#register [name=email]', 'alice@example.com')
      page.fill('#register [name=password1]', PASSWORD)
      page.fill('#register [name=password2]', PASSWORD)
      await page.click('#register button[type=submit]')
      expect(d.querySelectorAll('#register .field-error')).toHaveLength(0)
      expect(d.querySelector('#register-email')!.hasAttribute('aria-invalid')).toBe(false)
    } finally {
      await page.close()
    }
  })

  it('errors that belong to no field (non_field_errors, detail) are shown on top of the form', async () => {
    const t = uiApp()
    await insertUser(t, 'bob', 'bob@example.com')
    const page = await openPage(t.app, '/api/auth/ui/')
    try {
      page.fill('#login-username [name=username]', 'bob')
      page.fill('#login-username [name=password]', 'wrong password here')
      await page.click('#login-username button[type=submit]')
      const box = page.document.querySelector('#login-username .form-error')!
      expect(box.getAttribute('role')).toBe('alert')
      expect(box.textContent).toContain('Unable to log in with provided credentials.')
      await page.click('#logout button[type=submit]')
      expect(page.document.querySelector('#logout .form-error')!.textContent).toContain('Authentication credentials were not provided.')
    } finally {
      await page.close()
    }
  })
})

describe('response panel and times', () => {
  it('the panel is a <details> whose bar names the last call, so it can fold on a phone', async () => {
    const t = uiApp()
    const page = await openPage(t.app, '/api/auth/ui/')
    try {
      const panel = page.document.querySelector('details#viewer')!
      expect(panel.querySelector('summary #responses-title')).not.toBeNull()
      await page.click('#csrf button[type=submit]')
      expect(page.document.querySelector('#responses-last')!.textContent).toBe('GET /api/auth/csrf/ → 200')
      const time = page.document.querySelector('#responses .resp time')!
      expect(Date.parse(time.getAttribute('title')!)).not.toBeNaN()
    } finally {
      await page.close()
    }
  })

  it('mail and profile times read as dates, with the exact ISO value in title and datetime', async () => {
    const t = uiApp()
    const jar = new CookieJar()
    await fetchWithJar(t.app, jar, '/api/auth/registration/', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'carol', email: 'carol@example.com', password1: PASSWORD, password2: PASSWORD }),
    })
    const html = await (await fetchWithJar(t.app, jar, '/api/auth/ui/', { headers: { accept: 'text/html' } })).text()
    const time = parse(html).document.querySelector('#mail-list time.local')!
    const iso = time.getAttribute('datetime')!
    expect(iso).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/)
    expect(time.getAttribute('title')).toBe(iso)
    expect(time.textContent).toBe(readableUtc(iso))
    expect(time.textContent).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/)
    // In the page, ui.js turns it into the reader's local time.
    const page = await openPage(t.app, '/api/auth/ui/', { jar })
    try {
      const shown = page.document.querySelector('#mail-list time.local')!.textContent!
      expect(shown).toBe(new Date(iso).toLocaleString())
    } finally {
      await page.close()
    }
  })
})

describe('Markdown in the browsable API', () => {
  it('renders code spans, strong text and safe links, and escapes everything else', () => {
    expect(inlineMarkdown('Sets the `csrftoken` cookie')).toBe('Sets the <code>csrftoken</code> cookie')
    expect(inlineMarkdown('a **b** c')).toBe('a <strong>b</strong> c')
    expect(inlineMarkdown('`<b>` & <i>x</i>')).toBe('<code>&lt;b&gt;</code> &amp; &lt;i&gt;x&lt;/i&gt;')
    expect(inlineMarkdown('see [docs](/api/docs/)')).toBe('see <a href="/api/docs/">docs</a>')
    expect(inlineMarkdown('[x](javascript:alert(1))')).not.toContain('<a')
    expect(inlineMarkdown('`**not bold**`')).toBe('<code>**not bold**</code>')
  })

  it('GET csrf/ in a browser shows its description with <code>, no literal backticks', async () => {
    const t = uiApp()
    const res = await t.req('/api/auth/csrf/', { headers: { accept: 'text/html' } })
    const d = parse(await res.text()).document
    const description = d.querySelector('#route-title ~ p.hint')!
    expect(description.querySelector('code')!.textContent).toBe('csrftoken')
    expect(description.textContent).not.toContain('`')
  })
})
