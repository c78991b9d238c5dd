// Housekeeping: ended rows of every kind are deleted in small batches, live ones are kept, and two
// instances sweeping at once do no harm. Driven by the manual clock.
import { describe, expect, it } from 'bun:test'
import { record } from '../../src/audit/audit.ts'
import { BATCH, startHousekeeping, sweepOnce } from '../../src/ops/housekeeping.ts'
import { createOutboxRepo } from '../../src/mail/outbox.repo.ts'
import { silentLogger } from '../../src/lib/logger.ts'
import { execute, selectOne } from '../helpers/db.ts'
import { bearer, loggedIn, makeAuthApp, post } from '../auth/helpers.ts'

const DAY = 86_400_000
const count = async (t: ReturnType<typeof makeAuthApp>, table: string) =>
  Number((await selectOne<{ n: number }>(t.deps.db, `SELECT count(*) AS n FROM ${table}`))!.n)

describe('housekeeping', () => {
  it('deletes ended sessions, tokens, keys, throttle rows, old sent mail and old audit rows; keeps live ones', async () => {
    const t = makeAuthApp({ useAuthCookie: false })
    const hk = { db: t.deps.db, clock: t.clock, config: t.deps.config }
    const { body } = await loggedIn(t) // session 1 (live until the refresh lifetime ends)
    const other = await loggedIn(t, { create: false }) // session 2, logged out below
    await post(t, '/api/auth/logout/', {}, bearer(other.body.access_token!))
    const now = t.clock.now()
    await execute(t.deps.db, 'INSERT INTO throttle (bucket, hits, reset_at) VALUES ($a, 1, $old), ($b, 1, $later)', { a: 'a', b: 'b', old: now - 1, later: now + 60_000 })
    const outbox = createOutboxRepo(t.deps.db)
    const oldMail = await outbox.add({ to: 'x@example.com', subject: 's', text: 't', kind: 'test' }, now - 30 * DAY)
    await outbox.markSent(oldMail, now - 30 * DAY)
    await outbox.add({ to: 'y@example.com', subject: 's', text: 't', kind: 'test' }, now) // queued: never deleted
    await record(t.deps.db, { event: 'admin_action', at: now - 91 * DAY })

    t.clock.advance(1) // the logout happened before now
    const deleted = await sweepOnce(hk)
    expect(deleted).toMatchObject({ sessions: 1, throttle: 1, outbox: 1, audit_log: 1 })
    expect(await count(t, 'sessions')).toBe(1)
    expect((await t.req('/probe', { headers: bearer(body.access_token!) })).status).toBe(200) // the live one works
    expect(await count(t, 'throttle')).toBe(1)
    expect(await count(t, 'outbox')).toBe(1)
    expect(await count(t, 'audit_log')).toBe(3) // two logins and the logout

    // A day later the remaining session and its refresh token have expired; the throttle window has ended.
    t.clock.advance(2 * DAY / 1000)
    expect(await sweepOnce(hk)).toMatchObject({ sessions: 1, throttle: 1 })
    expect(await count(t, 'sessions')).toBe(0)
    expect(await count(t, 'refresh_tokens')).toBe(0)
    expect(await sweepOnce(hk)).toMatchObject({ sessions: 0, refresh_tokens: 0, throttle: 0, outbox: 0, audit_log: 0 })
  })

  it('deletes in batches of 500 and pauses between them, so no write holds the lock for long', async () => {
    const t = makeAuthApp()
    const now = t.clock.now()
    const rows = 2 * BATCH + 100
    await t.deps.db.transaction(async (tx) => {
      for (let i = 0; i < rows; i++) await execute(tx, 'INSERT INTO throttle (bucket, hits, reset_at) VALUES ($b, 1, $at)', { b: `k${i}`, at: now - 1 })
    })
    let pauses = 0
    const deleted = await sweepOnce({ db: t.deps.db, clock: t.clock, config: t.deps.config, pause: async () => void pauses++ })
    expect(deleted.throttle).toBe(rows)
    expect(pauses).toBe(2)
    expect(await count(t, 'throttle')).toBe(0)
  })

  it('two instances sweeping at once delete each row once and fail nothing', async () => {
    const t = makeAuthApp()
    const now = t.clock.now()
    await t.deps.db.transaction(async (tx) => {
      for (let i = 0; i < 1200; i++) await execute(tx, 'INSERT INTO throttle (bucket, hits, reset_at) VALUES ($b, 1, $at)', { b: `k${i}`, at: now - 1 })
    })
    const hk = { db: t.deps.db, clock: t.clock, config: t.deps.config }
    const [a, b] = await Promise.all([sweepOnce(hk), sweepOnce(hk)])
    expect(a.throttle + b.throttle).toBe(1200)
    expect(await count(t, 'throttle')).toBe(0)
  })

  it('HOUSEKEEPING_INTERVAL 0 turns the job off', async () => {
    const t = makeAuthApp({ housekeepingInterval: 0 })
    const job = startHousekeeping({ db: t.deps.db, clock: t.clock, config: t.deps.config, log: silentLogger })
    await job.stop()
  })
})
