// SQL for the outbox: every e-mail is written here first, in the transaction of the change that causes it.
import { type Db, sql } from '../db/engine.ts'
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

const insert = sql<{ id: number }, Record<string, string | number | null>>(
  `INSERT INTO outbox (recipient, subject, text_body, html_body, kind, created_at, next_attempt_at)
   VALUES ($to, $subject, $text, $html, $kind, $now, $now) RETURNING id`,
)
const list = sql<OutboxRow, { limit: number }>('SELECT * FROM outbox ORDER BY id DESC LIMIT $limit')
const byId = sql<OutboxRow, { id: number }>('SELECT * FROM outbox WHERE id = $id')
// Claiming a row moves its next attempt to the end of a lease, in the same statement that finds it. Two
// workers (instances) claiming at once: the row lock makes the second wait and re-check `next_attempt_at
// <= $now` on the row as the first left it, which no longer holds, so each row goes to one worker only.
const claim = sql<OutboxRow, { now: number; maxAttempts: number; limit: number; leaseUntil: number }>(
  `UPDATE outbox SET next_attempt_at = $leaseUntil
   WHERE id IN (SELECT id FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= $now AND attempts < $maxAttempts
                ORDER BY next_attempt_at, id LIMIT $limit)
     AND sent_at IS NULL AND next_attempt_at <= $now
   RETURNING *`,
)
// An operator's retry: due now, with a fresh set of attempts; a sent message is left alone.
const retry = sql<never, { id: number; now: number }>(
  'UPDATE outbox SET attempts = 0, last_error = NULL, next_attempt_at = $now WHERE id = $id AND sent_at IS NULL',
)
const markSent = sql<never, { id: number; now: number }>(
  'UPDATE outbox SET sent_at = $now, attempts = attempts + 1, last_error = NULL WHERE id = $id',
)
const markFailed = sql<never, { id: number; error: string; retryAt: number }>(
  'UPDATE outbox SET attempts = attempts + 1, last_error = $error, next_attempt_at = $retryAt WHERE id = $id',
)

export function createOutboxRepo(db: Db) {
  return {
    /** Queue a message; call inside the transaction of the change that causes it. */
    async add(mail: NewMail, now: number): Promise<number> {
      const row = await db.get(insert, { to: mail.to, subject: mail.subject, text: mail.text, html: mail.html ?? null, kind: mail.kind, now })
      return row!.id
    },
    /** Newest first. */
    list: (limit = 1000) => db.all(list, { limit }),
    byId: (id: number) => db.get(byId, { id }),
    /**
     * Takes up to `limit` unsent messages whose next attempt is due, for this worker alone until
     * `leaseUntil` (then, unless marked sent or failed, they are due again); rows that used up
     * `maxAttempts` stay put. Oldest first.
     */
    async claim(now: number, maxAttempts: number, leaseUntil: number, limit = 50): Promise<OutboxRow[]> {
      const rows = await db.all(claim, { now, maxAttempts, limit, leaseUntil })
      return rows.sort((a, b) => a.id - b.id)
    },
    /** Makes an unsent message due now with fresh attempts; false when it is sent or missing. */
    retry: async (id: number, now: number) => (await db.run(retry, { id, now })) > 0,
    markSent: (id: number, now: number) => db.run(markSent, { id, now }),
    /** Records a failed attempt and when to try again. */
    markFailed: (id: number, error: string, retryAt: number) => db.run(markFailed, { id, error, retryAt }),
  }
}

export type OutboxRepo = ReturnType<typeof createOutboxRepo>
