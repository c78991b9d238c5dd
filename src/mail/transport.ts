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
  const transporter = nodemailer.createTransport(emailUrl, {
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
