// Housekeeping: a periodic job in `serve` deletes what has ended (sessions, refresh tokens, retired
// signing keys, e-mail and reset keys, throttle windows, sent mail, old audit rows) so the database does
// not grow under steady churn. Small batches with a pause between them: never a long write lock.
import { retention as keyRetention } from '../auth/keys.ts'
import type { Config } from '../config/settings.ts'
import type { Database } from '../db/engine.ts'
import type { Clock } from '../lib/clock.ts'
import type { Logger } from '../lib/logger.ts'
import { createHousekeepingRepo, type SweepName } from './housekeeping.repo.ts'

/** Rows per DELETE: a few milliseconds of write lock on SQLite. */
export const BATCH = 500

export type HousekeepingConfig = Pick<Config, 'auditLogRetention' | 'outboxRetention' | 'housekeepingInterval'> &
  Parameters<typeof keyRetention>[0]

export interface HousekeepingDeps {
  readonly db: Database
  readonly clock: Clock
  readonly config: HousekeepingConfig
  /** Called between batches so other writers get the lock; `serve` yields to the event loop. */
  readonly pause?: () => Promise<void>
}

/** The cut-off of each sweep at `now`: rows that ended before it are deleted. */
export function cutoffs(config: HousekeepingConfig, now: number): Record<SweepName, number> {
  return {
    sessions: now,
    refresh_tokens: now,
    signing_keys: now - keyRetention(config),
    email_confirmations: now,
    password_resets: now,
    throttle: now,
    outbox: now - config.outboxRetention * 1000,
    audit_log: now - config.auditLogRetention * 1000,
  }
}

const yieldTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 0))

/** One pass over every sweep, batch by batch until each is done; answers the rows deleted per kind. */
export async function sweepOnce(deps: HousekeepingDeps): Promise<Record<SweepName, number>> {
  const repo = createHousekeepingRepo(deps.db)
  const pause = deps.pause ?? yieldTurn
  const cut = cutoffs(deps.config, deps.clock.now())
  const deleted = {} as Record<SweepName, number>
  for (const name of Object.keys(cut) as SweepName[]) {
    deleted[name] = 0
    for (;;) {
      const n = await repo.sweep(name, cut[name], BATCH)
      deleted[name] += n
      if (n < BATCH) break
      await pause()
    }
  }
  return deleted
}

/** Runs `sweepOnce` every HOUSEKEEPING_INTERVAL (0: never) until stopped; a failed pass is logged and retried next time. */
export function startHousekeeping(deps: HousekeepingDeps & { log: Logger }): { stop(): Promise<void> } {
  const intervalMs = deps.config.housekeepingInterval * 1000
  if (intervalMs === 0) return { stop: async () => {} }
  let running: Promise<unknown> = Promise.resolve()
  let stopped = false
  const tick = () => {
    running = sweepOnce(deps)
      .then((d) => {
        const total = Object.values(d).reduce((a, b) => a + b, 0)
        if (total > 0) deps.log.info(`housekeeping: deleted ${Object.entries(d).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(', ')}`)
      })
      .catch((e: unknown) => deps.log.error(`housekeeping: ${e instanceof Error ? e.message : String(e)}`))
  }
  const timer = setInterval(() => {
    if (!stopped) tick()
  }, intervalMs)
  timer.unref?.()
  return {
    async stop() {
      stopped = true
      clearInterval(timer)
      await running
    },
  }
}
