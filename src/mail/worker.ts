// The SMTP worker: delivers queued outbox rows, retries failures with exponential back-off, and records
// `sent_at` or the last error. All state is in the outbox table, so a restart picks up where it stopped.
import type { Database } from '../db/open.ts'
import type { Logger } from '../lib/logger.ts'
import type { Clock } from '../lib/clock.ts'
import { onOutbox } from './notify.ts'
import { type OutboxRow, createOutboxRepo } from './outbox.repo.ts'
import type { Transport } from './transport.ts'

export interface MailWorkerOptions {
  readonly db: Database
  readonly clock: Clock
  readonly log: Logger
  readonly transport: Transport
  /** DEFAULT_FROM_EMAIL. */
  readonly from: string
  /** How often due retries are looked for when nothing rings the doorbell. */
  readonly pollIntervalMs?: number
  /** After this many failed attempts a message is left alone (it stays in the outbox with its last error). */
  readonly maxAttempts?: number
  readonly firstRetrySeconds?: number
  readonly maxRetrySeconds?: number
}

export interface MailWorker {
  /** Sends every message that is due now; resolves to how many were delivered. Calls never overlap. */
  drain(): Promise<number>
  /** Starts delivering in the background (at once, on every new message, and every poll interval). */
  start(): void
  /** Stops: the message being sent is finished, nothing new is started, the transport is closed. */
  stop(): Promise<void>
}

/**
 * How long a claimed message is this worker's alone: sending takes seconds, so another instance's worker
 * takes it over only if this one died mid-send.
 */
const LEASE_MS = 5 * 60_000

/** Seconds to wait after the `attempts`-th failure: 30 s, 1 min, 2 min, ... capped at an hour. */
export function retryDelay(attempts: number, first = 30, max = 3600): number {
  return Math.min(first * 2 ** Math.max(0, attempts - 1), max)
}

/** The error as one short line; SMTP replies are kept, anything long is cut. */
function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  return text.replace(/\s+/g, ' ').trim().slice(0, 500) || 'unknown error'
}

export function createMailWorker(o: MailWorkerOptions): MailWorker {
  const outbox = createOutboxRepo(o.db)
  const maxAttempts = o.maxAttempts ?? 15
  const pollIntervalMs = o.pollIntervalMs ?? 5000
  let running: Promise<number> | null = null
  let again = false
  let started = false
  let stopRequested = false
  let timer: ReturnType<typeof setTimeout> | undefined
  let unsubscribe = () => {}

  async function deliver(row: OutboxRow): Promise<boolean> {
    try {
      await o.transport.send({ from: o.from, to: row.recipient, subject: row.subject, text: row.text_body, html: row.html_body })
      await outbox.markSent(row.id, o.clock.now())
      return true
    } catch (e) {
      const attempts = row.attempts + 1
      const why = describe(e)
      const retryAt = o.clock.now() + retryDelay(attempts, o.firstRetrySeconds, o.maxRetrySeconds) * 1000
      await outbox.markFailed(row.id, why, retryAt)
      // The id and kind only: the body holds keys and tokens.
      const next = attempts >= maxAttempts ? 'giving up' : `retry ${attempts + 1} of ${maxAttempts} later`
      o.log.warn(`mail #${row.id} (${row.kind}) not delivered: ${why}; ${next}`)
      return false
    }
  }

  async function drainDue(): Promise<number> {
    let sent = 0
    const seen = new Set<number>()
    for (;;) {
      // Rows tried in this pass are skipped: a clock that stands still must not make us loop.
      const now = o.clock.now()
      const batch = (await outbox.claim(now, maxAttempts, now + LEASE_MS)).filter((r) => !seen.has(r.id))
      if (batch.length === 0) return sent
      for (const row of batch) {
        if (stopRequested) return sent
        seen.add(row.id)
        if (await deliver(row)) sent++
      }
    }
  }

  function drain(): Promise<number> {
    if (running) {
      again = true
      return running
    }
    running = (async () => {
      let total = 0
      try {
        do {
          again = false
          total += await drainDue()
        } while (again && !stopRequested)
        return total
      } finally {
        running = null
      }
    })()
    return running
  }

  function schedule(delayMs: number) {
    clearTimeout(timer)
    timer = setTimeout(tick, delayMs)
  }

  async function tick() {
    timer = undefined
    try {
      await drain()
    } catch (e) {
      o.log.error(`mail worker: ${describe(e)}`)
    }
    if (!stopRequested) schedule(pollIntervalMs)
  }

  return {
    drain,
    start() {
      if (started) return
      started = true
      stopRequested = false
      unsubscribe = onOutbox(o.db, () => {
        if (!stopRequested) schedule(0)
      })
      schedule(0)
    },
    async stop() {
      stopRequested = true
      started = false
      clearTimeout(timer)
      timer = undefined
      unsubscribe()
      await running?.catch(() => 0)
      o.transport.close()
    },
  }
}
