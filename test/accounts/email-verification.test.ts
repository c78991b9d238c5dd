import { describe, expect, it } from 'bun:test'
import { sha256 } from '../../src/lib/crypto.ts'
import { Window } from 'happy-dom'
import { makeTestApp } from '../helpers/app.ts'
import { form, lastMail, linkIn, mails, register, registerAndGetKey, userRow, verify } from './helpers.ts'
import { selectAll } from '../helpers/db.ts'

function parseHtml(html: string) {
  const window = new Window()
  return new window.DOMParser().parseFromString(html, 'text/html') as unknown as Document
}

const NOT_FOUND = { detail: 'Not found.', code: 'not_found' }
const resend = (t: ReturnType<typeof makeTestApp>, email: string) =>
  t.req('/api/auth/registration/resend-email/', { method: 'POST', json: { email } })

describe('POST registration/verify-email/', () => {
  it('the e-mailed key verifies the address', async () => {
    const t = makeTestApp()
    const key = await registerAndGetKey(t)
    const res = await verify(t, key)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ detail: 'ok' })
    expect((await userRow(t))!.email_verified).toBe(1)
  })

  it('verification keys are single-use', async () => {
    const t = makeTestApp()
    const key = await registerAndGetKey(t)
    expect((await verify(t, key)).status).toBe(200)
    const again = await verify(t, key)
    expect(again.status).toBe(404)
    expect(await again.json()).toEqual(NOT_FOUND)
  })

  it('verification keys expire after EMAIL_CONFIRMATION_EXPIRE', async () => {
    const t = makeTestApp({ emailConfirmationExpire: 3600 })
    const key = await registerAndGetKey(t)
    t.clock.advance(3600)
    expect((await verify(t, key)).status).toBe(404)
    expect((await userRow(t))!.email_verified).toBe(0)

    const t2 = makeTestApp({ emailConfirmationExpire: 3600 })
    const key2 = await registerAndGetKey(t2)
    t2.clock.advance(3599)
    expect((await verify(t2, key2)).status).toBe(200)
  })

  it('an unknown key is 404; a missing one is a field error', async () => {
    const t = makeTestApp()
    await registerAndGetKey(t)
    const unknown = await verify(t, 'not-a-key-we-ever-sent')
    expect(unknown.status).toBe(404)
    expect(await unknown.json()).toEqual(NOT_FOUND)
    const missing = await t.req('/api/auth/registration/verify-email', { method: 'POST', json: {} })
    expect(missing.status).toBe(400)
    expect(await missing.json()).toEqual({ key: ['This field is required.'] })
  })

  it('verification keys are random and stored only as their SHA-256', async () => {
    const t = makeTestApp()
    const key = await registerAndGetKey(t)
    expect(key.length).toBeGreaterThanOrEqual(43) // 256 random bits, base64url
    const stored = (await selectAll(t.deps.db, 'SELECT key_hash FROM email_confirmations'))
    expect(stored).toEqual([{ key_hash: sha256(key) }])
    const dump = JSON.stringify((await selectAll(t.deps.db, 'SELECT * FROM email_confirmations')))
    expect(dump).not.toContain(key)
  })

  it('links go to FRONTEND_BASE_URL + REGISTER_EMAIL_CONFIRM_PATH when a frontend is configured', async () => {
    const t = makeTestApp({ frontendBaseUrl: 'https://app.example.com', registerEmailConfirmPath: '/auth/verify-email' })
    const key = await registerAndGetKey(t)
    const link = linkIn((await lastMail(t)).text_body)
    expect(`${link.origin}${link.pathname}`).toBe('https://app.example.com/auth/verify-email')
    expect(link.searchParams.get('key')).toBe(key)
  })

  it("links go to PUBLIC_URL's verification page, else to the request's own origin (a host in ALLOWED_HOSTS)", async () => {
    const t = makeTestApp({ publicUrl: 'https://auth.example.com/sso' })
    await registerAndGetKey(t)
    expect(linkIn((await lastMail(t)).text_body).href).toStartWith('https://auth.example.com/sso/verify-email?key=')

    const own = makeTestApp({ allowedHosts: ['auth.internal'] })
    await own.app.handle(
      new Request('http://auth.internal:8000/api/auth/registration/', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'bob', email: 'bob@example.com', password1: 'velvet-Otter-91-lamp', password2: 'velvet-Otter-91-lamp' }),
      }),
    )
    expect(linkIn((await lastMail(own)).text_body).href).toStartWith('http://auth.internal:8000/verify-email?key=')
  })

  it('the e-mail names SITE_NAME and has a text and an HTML version carrying the same link', async () => {
    const t = makeTestApp({ siteName: 'Acme <Cloud>' })
    await registerAndGetKey(t)
    const mail = (await lastMail(t))
    expect(mail.subject).toBe('[Acme <Cloud>] Please Confirm Your Email Address')
    expect(mail.text_body).toContain('Acme <Cloud>')
    expect(mail.html_body).toContain('Acme &lt;Cloud&gt;')
    expect(mail.html_body).not.toContain('<Cloud>')
    const link = linkIn(mail.text_body).href
    expect(mail.html_body).toContain(`href="${link}"`)
  })
})

describe('POST registration/resend-email/', () => {
  it('answers identically for unverified, verified and unknown addresses; mails only the unverified one', async () => {
    const t = makeTestApp()
    await registerAndGetKey(t)
    await verify(t, await registerAndGetKey(t, { username: 'bob', email: 'bob@example.com' }))
    const before = (await mails(t)).length

    const answers = []
    for (const email of ['ANN@example.com', 'bob@example.com', 'nobody@example.com']) {
      const res = await resend(t, email)
      answers.push({ status: res.status, body: await res.text() })
    }
    expect(answers[0]).toEqual({ status: 200, body: '{"detail":"ok"}' })
    expect(answers[1]).toEqual(answers[0]!)
    expect(answers[2]).toEqual(answers[0]!)
    const sent = (await mails(t)).slice(before)
    expect(sent.map((m) => m.recipient)).toEqual(['ann@example.com'])
  })

  it('the resent key works, and once the address is verified every other key is dead', async () => {
    const t = makeTestApp()
    const first = await registerAndGetKey(t)
    await resend(t, 'ann@example.com')
    const second = linkIn((await lastMail(t)).text_body).searchParams.get('key')!
    expect(second).not.toBe(first)
    expect((await verify(t, second)).status).toBe(200)
    expect((await verify(t, first)).status).toBe(404)
  })

  it('a malformed address is a field error', async () => {
    const res = await resend(makeTestApp(), 'nope')
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ email: ['Enter a valid email address.'] })
  })
})

describe('the verification page (no frontend configured)', () => {
  it('opening the link does not use the key (mail scanners prefetch links); its button does', async () => {
    const t = makeTestApp()
    const key = await registerAndGetKey(t)
    const link = linkIn((await lastMail(t)).text_body)

    const page = await t.req(`${link.pathname}${link.search}`)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(page.headers.get('referrer-policy')).toBe('no-referrer')
    expect(page.headers.get('cache-control')).toBe('no-store')
    const html = await page.text()
    expect(html).toContain('<form method="post">')
    expect(html).toContain(`name="key" value="${key}"`)
    expect(html).not.toMatch(/<script|<link|src=/)
    expect((await userRow(t))!.email_verified).toBe(0)

    // The form posts to the page's own URL.
    const done = await t.req(`${link.pathname}${link.search}`, form({ key }))
    expect(done.status).toBe(200)
    expect(await done.text()).toContain('E-mail address confirmed')
    expect((await userRow(t))!.email_verified).toBe(1)

    const again = await t.req('/verify-email', form({ key }))
    expect(again.status).toBe(404)
    expect(await again.text()).toContain('This link does not work')
  })

  it('escapes whatever the link carries: it stays a value and never becomes markup', async () => {
    const t = makeTestApp()
    const evil = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
    const res = await t.req(`/verify-email?key=${encodeURIComponent(evil)}`)
    const doc = parseHtml(await res.text())
    expect(doc.querySelectorAll('script, img').length).toBe(0)
    expect(doc.querySelector<HTMLInputElement>('input[name="key"]')!.value).toBe(evil)
  })

  it('a link without a key shows the failure page', async () => {
    const res = await makeTestApp().req('/verify-email')
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('This link does not work')
  })
})

describe('registration with verification none still allows verify-email for a resend', () => {
  it('resend mails a key the account can use', async () => {
    const t = makeTestApp({ accountEmailVerification: 'none' })
    expect((await register(t)).status).toBe(201)
    await resend(t, 'ann@example.com')
    const key = linkIn((await lastMail(t)).text_body).searchParams.get('key')!
    expect((await verify(t, key)).status).toBe(200)
  })
})
