// EMAIL_URL is read without nodemailer's url.parse(): same options, no DEP0169 warning at start-up.
import { describe, expect, it } from 'bun:test'
import { smtpOptions } from '../../src/mail/transport.ts'

describe('EMAIL_URL as SMTP options', () => {
  it('reads host, port, TLS mode and percent-encoded credentials', () => {
    expect(smtpOptions('smtp://us%40er:p%3Ass@mail.example.com:587')).toEqual({
      host: 'mail.example.com',
      port: 587,
      secure: false,
      auth: { user: 'us@er', pass: 'p:ss' },
    })
    expect(smtpOptions('smtps://mail.example.com')).toEqual({ host: 'mail.example.com', secure: true })
  })

  it('passes query parameters on as nodemailer does, tls.* nested', () => {
    expect(smtpOptions('smtp://h:25?tls.rejectUnauthorized=false&ignoreTLS=true&name=me.example')).toEqual({
      host: 'h',
      port: 25,
      secure: false,
      ignoreTLS: true,
      name: 'me.example',
      tls: { rejectUnauthorized: false },
    })
  })

  it('a query parameter cannot replace the host or the credentials', () => {
    expect(smtpOptions('smtp://h:25?host=evil&secure=true')).toEqual({ host: 'h', port: 25, secure: false })
  })
})
