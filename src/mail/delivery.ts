// Mail delivery for `authkit serve`: with EMAIL_URL, a background SMTP worker; without it, none (the outbox
// is the mailer, read with `authkit outbox list` or the testing UI).
import type { Config } from '../config/settings.ts'
import type { Database } from '../db/open.ts'
import type { Logger } from '../lib/logger.ts'
import type { Clock } from '../lib/clock.ts'
import { smtpTransport } from './transport.ts'
import { type MailWorker, createMailWorker } from './worker.ts'

/** The SMTP server as it may be logged: scheme, host and port, never the credentials. */
export function describeEmailUrl(emailUrl: string): string {
  const u = new URL(emailUrl)
  return `${u.protocol}//${u.host}`
}

/** Starts the SMTP worker when EMAIL_URL is set; the caller stops it (before closing the database). */
export function startMailDelivery(deps: { config: Config; db: Database; clock: Clock; log: Logger }): MailWorker | null {
  const { config, log } = deps
  if (!config.emailUrl) {
    log.info('EMAIL_URL is not set: e-mail stays in the outbox (authkit outbox list)')
    return null
  }
  const worker = createMailWorker({ ...deps, transport: smtpTransport(config.emailUrl), from: config.defaultFromEmail })
  worker.start()
  log.info(`delivering e-mail over SMTP via ${describeEmailUrl(config.emailUrl)}`)
  return worker
}
