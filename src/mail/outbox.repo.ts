// SQL for the outbox: every e-mail is written here first, in the transaction of the change that causes it.
import type { Database } from '../db/open.ts'
import { isoTime } from '../lib/clock.ts'

export interface OutboxRow {
  id: number
  recipient: string
  subject: string
  text_body: string
  html_body: string | null
  kind: string
  created_at: number
  sent_at: number | null
  attempts: number
  last_error: string | null
  next_attempt_at: number
}

export interface NewMail {
  to: string
  subject: string
  text: string
  html?: string | null
  kind: string
}

/** The public shape of a message (`authkit outbox list --json`, the dev mailbox). */
export const outboxMessage = (r: OutboxRow) => ({
  id: r.id,
  to: r.recipient,
  subject: r.subject,
  text: r.text_body,
  html: r.html_body,
  kind: r.kind,
  created_at: isoTime(r.created_at),
  sent_at: r.sent_at === null ? null : isoTime(r.sent_at),
  attempts: r.attempts,
  last_error: r.last_error,
})

export function createOutboxRepo(db: Database) {
  const insert = db.query<{ id: number }, Record<string, string | number | null>>(
    `INSERT INTO outbox (recipient, subject, text_body, html_body, kind, created_at, next_attempt_at)
     VALUES ($to, $subject, $text, $html, $kind, $now, $now) RETURNING id`,
  )
  const list = db.query<OutboxRow, { limit: number }>('SELECT * FROM outbox ORDER BY id DESC LIMIT $limit')
  const byId = db.query<OutboxRow, { id: number }>('SELECT * FROM outbox WHERE id = $id')
  const due = db.query<OutboxRow, { now: number; maxAttempts: number; limit: number }>(
    `SELECT * FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= $now AND attempts < $maxAttempts
     ORDER BY next_attempt_at, id LIMIT $limit`,
  )
  const markSent = db.query<never, { id: number; now: number }>(
    'UPDATE outbox SET sent_at = $now, attempts = attempts + 1, last_error = NULL WHERE id = $id',
  )
  const markFailed = db.query<never, { id: number; error: string; retryAt: number }>(
    'UPDATE outbox SET attempts = attempts + 1, last_error = $error, next_attempt_at = $retryAt WHERE id = $id',
  )
  return {
    /** Queue a message; call inside the transaction of the change that causes it. */
    add(mail: NewMail, now: number): number {
      return insert.get({ to: mail.to, subject: mail.subject, text: mail.text, html: mail.html ?? null, kind: mail.kind, now })!.id
    },
    /** Newest first. */
    list: (limit = 1000) => list.all({ limit }),
    byId: (id: number) => byId.get({ id }),
    /** Unsent messages whose next attempt is due, oldest first; rows that used up `maxAttempts` stay put. */
    due: (now: number, maxAttempts: number, limit = 50) => due.all({ now, maxAttempts, limit }),
    markSent: (id: number, now: number) => void markSent.run({ id, now }),
    /** Records a failed attempt and when to try again. */
    markFailed: (id: number, error: string, retryAt: number) => void markFailed.run({ id, error, retryAt }),
  }
}

export type OutboxRepo = ReturnType<typeof createOutboxRepo>
