// The rate limiter of ACCOUNT_RATE_LIMITS: fixed-window counters in the database, one bucket per
// (action, scope, period, who), so limits survive restarts and hold across processes and instances on one database.
// Framework-free: routes hand it the action and who is asking; it counts and says whether to refuse.
import type { Config } from '../config/settings.ts'
import { type RateAction, type RateLimit, type RateScope, rateLimits } from '../config/rate-limits.ts'
import type { Db } from '../db/engine.ts'
import { clientIp } from '../http/client-ip.ts'
import type { Clock } from '../lib/clock.ts'
import { sha256 } from '../lib/crypto.ts'
import { throttled } from '../lib/errors.ts'
import { createThrottleRepo } from './throttle.repo.ts'

/** Who a request is counted as, per scope; a rule whose scope is missing here is not applied. */
export interface Who {
  /** The client address (`ipOf(request)`). */
  readonly ip?: string
  /** What the request names: an e-mail or username, compared in lower case. */
  readonly key?: string
  /** The logged-in user's id. */
  readonly user?: number
}

interface Hit {
  readonly bucket: string
  readonly scope: RateScope
  readonly resetAt: number
}

/** The outcome of counting one request: refused when any applied rule is over its limit. */
export interface Verdict {
  readonly allowed: boolean
  /** Seconds until every exceeded window has ended (0 when allowed). */
  readonly retryAfter: number
  readonly hits: readonly Hit[]
}

const ALLOWED: Verdict = { allowed: true, retryAfter: 0, hits: [] }
/** How often (at most) a process deletes ended windows, on the back of a request that counts. */
const SWEEP_EVERY_MS = 60_000

export interface ThrottleDeps {
  readonly db: Db
  readonly clock: Clock
  readonly config: Pick<Config, 'accountRateLimits' | 'trustedProxies'>
}

export function createThrottle({ db, clock, config }: ThrottleDeps) {
  const repo = createThrottleRepo(db)
  const rules = new Map<RateAction, RateLimit[]>()
  for (const rule of rateLimits(config.accountRateLimits)) rules.set(rule.action, [...(rules.get(rule.action) ?? []), rule])
  let nextSweep = 0

  const whoIn = (who: Who, scope: RateScope): string | undefined => {
    const v = who[scope]
    if (v === undefined) return undefined
    return scope === 'key' ? String(v).trim().toLowerCase() : String(v)
  }

  /** Counts one request of `action` against each of its rules whose scope `who` names. */
  async function count(action: RateAction, who: Who): Promise<Verdict> {
    const list = rules.get(action)
    if (!list) return ALLOWED // off: not even a database round trip (benchmarks run this way)
    const now = clock.now()
    if (now >= nextSweep) {
      await repo.sweep(now)
      nextSweep = now + SWEEP_EVERY_MS
    }
    const hits: Hit[] = []
    let retryAfter = 0
    for (const rule of list) {
      const value = whoIn(who, rule.scope)
      if (value === undefined) continue
      // Hashed: the table holds no e-mail addresses or client IPs, and every name has the same length.
      const bucket = sha256(`${action}|${rule.scope}|${rule.periodSeconds}|${value}`)
      const state = await repo.hit(bucket, now, now + rule.periodSeconds * 1000)
      hits.push({ bucket, scope: rule.scope, resetAt: state.resetAt })
      if (state.hits > rule.limit) retryAfter = Math.max(retryAfter, Math.ceil((state.resetAt - now) / 1000), 1)
    }
    return { allowed: retryAfter === 0, retryAfter, hits }
  }

  return {
    /** The client address requests are counted under (X-Forwarded-For only from TRUSTED_PROXIES). */
    ipOf: (request: Request): string => clientIp(request, config.trustedProxies),

    /** Counts the request; over a limit, throws the contract's 429 (with Retry-After). */
    async take(action: RateAction, who: Who): Promise<Verdict> {
      const verdict = await count(action, who)
      if (!verdict.allowed) throw throttled(verdict.retryAfter)
      return verdict
    },

    /** Counts the request and says whether it is over a limit, for routes that answer the same either way. */
    count,

    /** Gives back what `verdict` counted in the given scopes (an attempt that turned out not to count). */
    async refund(verdict: Verdict, scopes: readonly RateScope[]): Promise<void> {
      for (const hit of verdict.hits) if (scopes.includes(hit.scope)) await repo.refund(hit.bucket, hit.resetAt)
    },

    /** Empties the buckets `verdict` counted in the given scopes. */
    async clear(verdict: Verdict, scopes: readonly RateScope[]): Promise<void> {
      for (const hit of verdict.hits) if (scopes.includes(hit.scope)) await repo.clear(hit.bucket)
    },
  }
}

export type Throttle = ReturnType<typeof createThrottle>
