// How a message leaves authkit: the SMTP transport (nodemailer, from EMAIL_URL), or any stand-in with `send`.
import type NodeMailer from 'nodemailer'

export interface OutgoingMail {
  readonly from: string
  readonly to: string
  readonly subject: string
  readonly text: string
  readonly html: string | null
}

export interface Transport {
  /** Resolves once the server accepted the message; rejects with the reason otherwise. */
  send(mail: OutgoingMail): Promise<void>
  close(): void
}

/** SMTP from `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://...` (TLS from the start). */
export function smtpTransport(emailUrl: string): Transport {
  // Loaded here, not at the top: nodemailer brings node:http, dns, tls and streams, ~25 ms of every
  // start-up (most servers in development never send mail).
  const nodemailer = require('nodemailer') as typeof NodeMailer
  const transporter = nodemailer.createTransport({
    ...smtpOptions(emailUrl),
    // Short waits: a dead server costs a retry later, not a stuck worker now.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  })
  return {
    async send(mail) {
      await transporter.sendMail({
        from: mail.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        ...(mail.html ? { html: mail.html } : {}),
      })
    },
    close: () => transporter.close(),
  }
}

type SmtpOptions = { host: string; port?: number; secure: boolean; auth?: { user: string; pass: string } } & Record<string, unknown>

/**
 * EMAIL_URL as nodemailer's options, read with WHATWG URL: handed the string, nodemailer parses it with
 * the deprecated url.parse(), and every start printed DEP0169. Query parameters work as in nodemailer
 * (`?tls.rejectUnauthorized=false`, `?ignoreTLS=true`, `?name=host`).
 */
export function smtpOptions(emailUrl: string): SmtpOptions {
  const u = new URL(emailUrl)
  const out: SmtpOptions = { host: u.hostname.replace(/^\[|\]$/g, ''), secure: u.protocol === 'smtps:' }
  if (u.port) out.port = Number(u.port)
  if (u.username || u.password) out.auth = { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) }
  const tls: Record<string, unknown> = {}
  for (const [key, raw] of u.searchParams) {
    const value = raw === 'true' ? true : raw === 'false' ? false : raw !== '' && !Number.isNaN(Number(raw)) ? Number(raw) : raw
    if (key.startsWith('tls.')) tls[key.slice(4)] = value
    else if (!key.includes('.') && !(key in out)) out[key] = value
  }
  if (Object.keys(tls).length > 0) out.tls = tls
  return out
}
