// The testing UI's passwordless page (DEBUG only): what it offers per setting, the passkey list it reads
// through the API, and the scripts it is served with (no CDN).
import { describe, expect, it } from 'bun:test'
import { Window } from 'happy-dom'
import { makeTestApp } from '../helpers/app.ts'
import { PASSWORD, createUser } from '../auth/helpers.ts'
import { SoftAuthenticator } from '../helpers/webauthn.ts'

const PAGE = '/api/auth/ui/passwordless/'

function doc(html: string) {
  const w = new Window()
  w.document.write(html)
  return w.document
}

describe('testing UI: passwordless page', () => {
  it('is not served without DEBUG', async () => {
    const t = makeTestApp({ usePasskeys: true })
    expect((await t.req(PAGE)).status).toBe(404)
  })

  it('offers "Add a passkey", "Sign in with a passkey" and "E-mail me a link" when enabled, and neither when not', async () => {
    const on = makeTestApp({ debug: true, usePasskeys: true, useEmailLinkLogin: true })
    const page = doc(await (await on.req(PAGE)).text())
    expect(page.querySelector('#passkey-add button')?.textContent).toBe('Add a passkey')
    expect(page.querySelector('#passkey-login button')?.textContent).toBe('Sign in with a passkey')
    expect(page.querySelector('#email-link')?.getAttribute('hx-post')).toBe('/api/auth/login/email-link/')
    const off = doc(await (await makeTestApp({ debug: true }).req(PAGE)).text())
    expect(off.querySelector('#passkey-add')).toBeNull()
    expect(off.querySelector('#email-link')).toBeNull()
  })

  it('lists the signed-in user\'s passkeys with rename and delete forms against the API', async () => {
    const t = makeTestApp({ debug: true, usePasskeys: true })
    await createUser(t)
    const login = await t.req('/api/auth/login/', { method: 'POST', json: { username: 'alice', password: PASSWORD } })
    const auth = { authorization: `Bearer ${(await login.json()).access_token}` }
    const options = await (await t.req('/api/auth/passkeys/register/options/', { method: 'POST', json: {}, headers: auth })).json()
    const key = await SoftAuthenticator.create()
    const created = await (await t.req('/api/auth/passkeys/register/', { method: 'POST', json: { credential: await key.register(options), name: 'Laptop <b>' }, headers: auth })).json()
    const list = doc(await (await t.req(`${PAGE}list/`, { headers: auth })).text())
    const item = list.querySelector(`[data-passkey-id="${created.id}"]`)!
    expect(item.querySelector('strong')?.textContent).toBe('Laptop <b>')
    expect(item.querySelector('form[hx-patch]')?.getAttribute('hx-patch')).toBe(`/api/auth/passkeys/${created.id}/`)
    expect(item.querySelector('form[hx-delete]')?.getAttribute('hx-delete')).toBe(`/api/auth/passkeys/${created.id}/`)
    expect(doc(await (await t.req(`${PAGE}list/`)).text()).querySelector('.hint')?.textContent).toContain('Log in')
  })

  it('serves its scripts from the binary: passkeys.js and @simplewebauthn/browser', async () => {
    const t = makeTestApp({ debug: true, usePasskeys: true })
    const page = doc(await (await t.req(PAGE)).text())
    const scripts = [...page.querySelectorAll('script[src]')].map((s) => s.getAttribute('src')!).filter((s) => s.includes('passwordless'))
    expect(scripts.length).toBe(2)
    for (const src of scripts) {
      const res = await t.req(src)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toStartWith('text/javascript')
    }
    expect(await (await t.req(scripts[0]!)).text()).toContain('startRegistration')
    expect((await t.req(`${PAGE}static/nope.js`)).status).toBe(404)
  })
})
