// Messages of features added after the first catalogues (sign-in links, social login, MFA) follow
// Accept-Language like the rest: translated where errors and answers become HTTP responses.
import { describe, expect, it } from 'bun:test'
import { makeTestApp } from '../helpers/app.ts'
import { mfaApp, post } from '../mfa/helpers.ts'

describe('later features answer in the asked language', () => {
  it('the sign-in-link request answers its detail in German', async () => {
    const t = makeTestApp({ useEmailLinkLogin: true })
    const res = await t.req('/api/auth/login/email-link/', {
      method: 'POST',
      headers: { 'accept-language': 'de' },
      json: { email: 'nobody@example.com' },
    })
    expect(res.headers.get('content-language')).toBe('de')
    expect(((await res.json()) as { detail: string }).detail).toBe(
      'Falls zu dieser Adresse ein Konto besteht, wurde ein Anmeldelink gesendet.',
    )
  })

  it('the MFA step answers a bad ephemeral token in German, the field key unchanged', async () => {
    const res = await post(mfaApp(), 'login/verify/', { ephemeral_token: 'nope', code: '123456' }, { 'accept-language': 'de' })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ non_field_errors: ['Ungültiges Token'] })
  })
})
