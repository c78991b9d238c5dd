// The one source of "now", injected everywhere so tests can move time (expiry, grace windows).

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number
}

export const systemClock: Clock = { now: () => Date.now() }

/** A clock tests can set and advance by hand. */
export class ManualClock implements Clock {
  constructor(private ms = Date.UTC(2026, 0, 1)) {}
  now() {
    return this.ms
  }
  set(ms: number) {
    this.ms = ms
  }
  advance(seconds: number) {
    this.ms += seconds * 1000
  }
}

/** ISO-8601 UTC with a `Z` suffix, the only time format on the wire. */
export const isoTime = (ms: number) => new Date(ms).toISOString()
