// API.md §14: messages, e-mails and pages follow Accept-Language (LANGUAGE_CODE otherwise); codes, field
// names and JSON keys never change; Content-Language names the language used.
import { describe, expect, it } from 'bun:test'
import { CATALOGUES } from '../../src/i18n/catalogues/index.ts'
import { MESSAGES } from '../../src/i18n/messages.ts'
import { LANGUAGES, negotiate } from '../../src/i18n/negotiate.ts'
import { translate } from '../../src/i18n/translate.ts'
import { GOOD_PASSWORD, lastMail, linkIn } from '../accounts/helpers.ts'
import { makeTestApp } from '../helpers/app.ts'

const TOO_SHORT = 'This password is too short. It must contain at least {min} characters.'
const NUMERIC = 'This password is entirely numeric.'

/** Words kept as they are in a translation (brands, loanwords the language uses as is), by language. */
const KEPT_AS_IS: Readonly<Record<string, readonly string[]>> = { it: ['Password'] }

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()

const registerIn = (t: ReturnType<typeof makeTestApp>, lang: string, password: string, username = 'ann') =>
  t.req('/api/auth/registration/', {
    method: 'POST',
    headers: { 'accept-language': lang },
    json: { username, email: `${username}@example.com`, password1: password, password2: password },
  })

describe('catalogues', () => {
  it('every language of the contract has a catalogue (English is the source)', () => {
    expect(Object.keys(CATALOGUES).sort()).toEqual(LANGUAGES.filter((l) => l !== 'en').sort())
  })

  for (const [lang, catalogue] of Object.entries(CATALOGUES)) {
    it(`${lang}: every message, the same placeholders, nothing left in English`, () => {
      const entries = catalogue as Record<string, string>
      expect(Object.keys(entries).sort()).toEqual([...MESSAGES].sort())
      for (const key of MESSAGES) {
        const value = entries[key]!
        expect({ key, placeholders: placeholders(value) }).toEqual({ key, placeholders: placeholders(key) })
        expect(value.trim()).not.toBe('')
        if (!KEPT_AS_IS[lang]?.includes(key)) expect({ key, value }).not.toEqual({ key, value: key })
      }
    })
  }
})

describe('negotiation', () => {
  it('maps regional variants and falls back along the chain', () => {
    expect(negotiate('pt-PT')).toBe('pt-BR')
    expect(negotiate('pt')).toBe('pt-BR')
    expect(negotiate('zh-CN')).toBe('zh-Hans')
    expect(negotiate('zh')).toBe('zh-Hans')
    expect(negotiate('zh-Hans-CN')).toBe('zh-Hans')
    expect(negotiate('de-AT')).toBe('de')
    expect(negotiate('DE-ch')).toBe('de')
    expect(negotiate('xx-YY')).toBe('en')
    expect(negotiate('xx-YY', 'fr')).toBe('fr')
    expect(negotiate(null, 'ja')).toBe('ja')
    expect(negotiate('', 'ja')).toBe('ja')
  })

  it('follows q-values, header order on ties, and ignores q=0 and unknown ranges', () => {
    expect(negotiate('fr;q=0.5, de;q=0.9')).toBe('de')
    expect(negotiate('fr, de')).toBe('fr')
    expect(negotiate('xx, ja;q=0.1')).toBe('ja')
    expect(negotiate('de;q=0, it;q=0.2')).toBe('it')
    expect(negotiate('de;q=0')).toBe('en')
    expect(negotiate('*', 'ko')).toBe('ko')
    expect(negotiate('de;q=abc, es;q=0.3')).toBe('es')
  })
})

describe('answers', () => {
  it('a weak password at registration is answered in German (Accept-Language: de), keys and codes unchanged', async () => {
    const res = await registerIn(makeTestApp(), 'de', '1234')
    expect(res.status).toBe(400)
    expect(res.headers.get('content-language')).toBe('de')
    expect(await res.json()).toEqual({
      password1: [
        'Dieses Passwort ist zu kurz. Es muss mindestens 8 Zeichen enthalten.',
        'Dieses Passwort ist zu verbreitet.',
        'Dieses Passwort besteht nur aus Ziffern.',
      ],
    })
  })

  for (const lang of Object.keys(CATALOGUES)) {
    it(`${lang}: validation error, verification e-mail and verification page`, async () => {
      const t = makeTestApp()
      const weak = await registerIn(t, lang, '12345678')
      expect(weak.status).toBe(400)
      expect(weak.headers.get('content-language')).toBe(lang)
      const body = (await weak.json()) as Record<string, string[]>
      expect(Object.keys(body)).toEqual(['password1'])
      expect(body.password1).toContain(translate(lang, NUMERIC))
      expect(body.password1).not.toContain(NUMERIC)

      const ok = await registerIn(t, lang, GOOD_PASSWORD)
      expect(ok.status).toBe(201)
      expect(ok.headers.get('content-language')).toBe(lang)
      expect(((await ok.json()) as { detail: string }).detail).toBe(CATALOGUES[lang]!['Verification e-mail sent.'])
      const mail = await lastMail(t)
      expect(mail.subject).toBe(`[authkit] ${CATALOGUES[lang]!['[{site}] Please Confirm Your Email Address'].replace('[{site}] ', '')}`)
      expect(mail.text_body).toContain(CATALOGUES[lang]!['Hello from {site}!'].replace('{site}', 'authkit'))
      expect(mail.html_body).toContain(`lang="${lang}"`)

      const page = await t.req(`${linkIn(mail.text_body).pathname}${linkIn(mail.text_body).search}`, { headers: { 'accept-language': lang } })
      expect(page.status).toBe(200)
      expect(page.headers.get('content-language')).toBe(lang)
      const html = await page.text()
      expect(html).toContain(`<html lang="${lang}" dir="${lang === 'ar' ? 'rtl' : 'ltr'}">`)
      expect(html).toContain(CATALOGUES[lang]!['Press the button to confirm that this e-mail address is yours.'])
    })
  }

  it('a ja request gets its verification mail and page in Japanese', async () => {
    const t = makeTestApp()
    expect((await registerIn(t, 'ja-JP,en;q=0.5', GOOD_PASSWORD)).status).toBe(201)
    const mail = await lastMail(t)
    expect(mail.subject).toBe('[authkit] メールアドレスの確認をお願いします')
    expect(mail.text_body).toContain('このリンクは 1 回だけ使用でき、有効期間は 3 日 です。')
    const link = linkIn(mail.text_body)
    const html = await (await t.req(`${link.pathname}${link.search}`, { headers: { 'accept-language': 'ja' } })).text()
    expect(html).toContain('メールアドレスを確認する')
  })

  it('the e-mail goes out in the language of the request that caused it, not of a later request', async () => {
    const t = makeTestApp()
    await registerIn(t, 'fr', GOOD_PASSWORD)
    await t.req('/api/auth/registration/resend-email/', { method: 'POST', headers: { 'accept-language': 'es' }, json: { email: 'ann@example.com' } })
    expect((await lastMail(t)).subject).toBe('[authkit] Confirme su dirección de correo electrónico')
  })

  it('English with no Accept-Language, an unknown language or en; LANGUAGE_CODE when none matches', async () => {
    for (const header of [undefined, 'en', 'xx-YY']) {
      const res = await makeTestApp().req('/api/auth/registration/', {
        method: 'POST',
        headers: header ? { 'accept-language': header } : {},
        json: { username: 'ann', email: 'ann@example.com', password1: '12345678', password2: '12345678' },
      })
      expect(res.headers.get('content-language')).toBe('en')
      expect(((await res.json()) as { password1: string[] }).password1).toContain(NUMERIC)
    }
    const res = await registerIn(makeTestApp({ languageCode: 'de' }), 'xx', '12345678')
    expect(res.headers.get('content-language')).toBe('de')
    expect(((await res.json()) as { password1: string[] }).password1).toContain('Dieses Passwort besteht nur aus Ziffern.')
  })

  it('error codes and keys never change: {"detail", "code"} with only the detail translated', async () => {
    const res = await makeTestApp().req('/api/auth/user/', { headers: { 'accept-language': 'ru' } })
    expect(res.status).toBe(401)
    expect(res.headers.get('content-language')).toBe('ru')
    expect(await res.json()).toEqual({ detail: 'Учётные данные не были предоставлены.', code: 'not_authenticated' })
  })

  it('a message with no catalogue entry stays English', () => {
    expect(translate('de', 'A message added later.')).toBe('A message added later.')
    expect(translate('de', TOO_SHORT.replace('{min}', '12'))).toBe('Dieses Passwort ist zu kurz. Es muss mindestens 12 Zeichen enthalten.')
  })
})
