// SQL of the rate-limit counters (table `throttle`): one atomic UPSERT per hit, so concurrent requests
// and several processes on one database file never lose a count.
import type { Database } from '../db/open.ts'

export interface BucketState {
  /** Hits in the current window, this one included. */
  readonly hits: number
  /** When the window ends (unix ms). */
  readonly resetAt: number
}

export function createThrottleRepo(db: Database) {
  // A window that has ended starts again at 1; otherwise the count goes up and the end stays.
  // (SET expressions all read the row as it was, so reset_at's CASE sees the old value.)
  const hit = db.query<{ hits: number; reset_at: number }, { bucket: string; now: number; until: number }>(
    `INSERT INTO throttle (bucket, hits, reset_at) VALUES ($bucket, 1, $until)
     ON CONFLICT (bucket) DO UPDATE SET
       hits     = CASE WHEN reset_at <= $now THEN 1 ELSE hits + 1 END,
       reset_at = CASE WHEN reset_at <= $now THEN $until ELSE reset_at END
     RETURNING hits, reset_at`,
  )
  // Only in the window the hit was counted in: a window that ended meanwhile has nothing to give back.
  const refund = db.query<never, { bucket: string; resetAt: number }>(
    'UPDATE throttle SET hits = hits - 1 WHERE bucket = $bucket AND reset_at = $resetAt AND hits > 0',
  )
  const clear = db.query<never, { bucket: string }>('DELETE FROM throttle WHERE bucket = $bucket')
  const sweep = db.query<never, { now: number }>('DELETE FROM throttle WHERE reset_at <= $now')

  return {
    /** Counts one hit on `bucket`, opening a window ending at `until` when none is running at `now`. */
    hit(bucket: string, now: number, until: number): BucketState {
      const row = hit.get({ bucket, now, until })!
      return { hits: row.hits, resetAt: row.reset_at }
    },
    /** Takes back one hit counted in the window ending at `resetAt`. */
    refund(bucket: string, resetAt: number): void {
      refund.run({ bucket, resetAt })
    },
    clear(bucket: string): void {
      clear.run({ bucket })
    },
    /** Deletes the buckets whose window has ended; returns how many. */
    sweep(now: number): number {
      return sweep.run({ now }).changes
    },
  }
}

export type ThrottleRepo = ReturnType<typeof createThrottleRepo>
