// SQL of the rate-limit counters (table `throttle`): one atomic UPSERT per hit, so concurrent requests
// and every process or instance on one database never lose a count.
import { type Db, sql } from '../db/engine.ts'

export interface BucketState {
  /** Hits in the current window, this one included. */
  readonly hits: number
  /** When the window ends (unix ms). */
  readonly resetAt: number
}

// A window that has ended starts again at 1; otherwise the count goes up and the end stays. SET
// expressions all read the row as it was (qualified: PostgreSQL requires it), so reset_at's CASE sees the old value.
const hit = sql<{ hits: number; reset_at: number }, { bucket: string; now: number; until: number }>(
  `INSERT INTO throttle (bucket, hits, reset_at) VALUES ($bucket, 1, $until)
   ON CONFLICT (bucket) DO UPDATE SET
     hits     = CASE WHEN throttle.reset_at <= $now THEN 1 ELSE throttle.hits + 1 END,
     reset_at = CASE WHEN throttle.reset_at <= $now THEN $until ELSE throttle.reset_at END
   RETURNING hits, reset_at`,
)
// Only in the window the hit was counted in: a window that ended meanwhile has nothing to give back.
const refund = sql<never, { bucket: string; resetAt: number }>(
  'UPDATE throttle SET hits = hits - 1 WHERE bucket = $bucket AND reset_at = $resetAt AND hits > 0',
)
const clear = sql<never, { bucket: string }>('DELETE FROM throttle WHERE bucket = $bucket')
const sweep = sql<never, { now: number }>('DELETE FROM throttle WHERE reset_at <= $now')

export function createThrottleRepo(db: Db) {
  return {
    /** Counts one hit on `bucket`, opening a window ending at `until` when none is running at `now`. */
    async hit(bucket: string, now: number, until: number): Promise<BucketState> {
      const row = (await db.get(hit, { bucket, now, until }))!
      return { hits: row.hits, resetAt: row.reset_at }
    },
    /** Takes back one hit counted in the window ending at `resetAt`. */
    refund: (bucket: string, resetAt: number) => db.run(refund, { bucket, resetAt }),
    clear: (bucket: string) => db.run(clear, { bucket }),
    /** Deletes the buckets whose window has ended; returns how many. */
    sweep: (now: number) => db.run(sweep, { now }),
  }
}

export type ThrottleRepo = ReturnType<typeof createThrottleRepo>
