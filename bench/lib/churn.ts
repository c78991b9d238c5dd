// The churn: hours of login/refresh/logout/password-reset traffic against an in-process app on a SQLite
// file, with a driven clock (a simulated minute per step, not wall-clock), and the housekeeping sweep run
// every HOUSEKEEPING_INTERVAL of simulated time. It samples the database size each simulated hour to show
// that it levels off: what ends is deleted as fast as new rows arrive, and SQLite reuses the freed pages.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createUsersRepo } from '../../src/users/users.repo.ts'
import { hashPassword } from '../../src/users/passwords.ts'
import { createApp } from '../../src/app.ts'
import { type Config, defaults } from '../../src/config/settings.ts'
import { openDatabase } from '../../src/db/open.ts'
import { ManualClock } from '../../src/lib/clock.ts'
import { silentLogger } from '../../src/lib/logger.ts'
import { createOutboxRepo } from '../../src/mail/outbox.repo.ts'
import { sweepOnce } from '../../src/ops/housekeeping.ts'

export interface ChurnResult {
  simulatedHours: number
  logins: number
  /** [simulated hour, database MB], one an hour. */
  samples: [number, number][]
  secondHalfGrowthPct: number
  flat: boolean
  wallSeconds: number
}

const PASSWORD = 'Churn-pass-8xQ!2wr'

export async function churn(opts: { hours: number; loginsPerMinute: number; users: number; say(line: string): void }): Promise<ChurnResult> {
  const started = performance.now()
  const dir = mkdtempSync(join(tmpdir(), 'authkit-churn-'))
  const clock = new ManualClock(Date.UTC(2026, 0, 1))
  // Lifetimes and retentions are shortened (sessions 1 h, sent mail 1 h, audit rows 2 h instead of 1 d,
  // 7 d and 90 d) so a few simulated hours reach the steady state the defaults reach after 90 days;
  // hashing is cheap because the size, not the speed, is measured.
  const config = {
    ...defaults(),
    argon2MemoryCost: 1024,
    argon2TimeCost: 1,
    accessLog: false,
    accountRateLimits: [],
    refreshTokenLifetime: 3600,
    outboxRetention: 3600,
    auditLogRetention: 7200,
    useAuthCookie: false, // header mode: tokens in the body, no CSRF dance
    dataDir: dir,
    secretKey: 'churn-secret-key-churn-secret-key-0123456789',
  } as Config & { dataDir: string; secretKey: string }
  const db = openDatabase(join(dir, 'authkit.db'), { clock })
  const app = createApp({ config, db, clock, log: silentLogger })
  const call = async (path: string, json: unknown, headers: Record<string, string> = {}) => {
    const res = await app.handle(new Request(`http://localhost/api/auth/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(json) }))
    const body = (await res.json().catch(() => ({}))) as Record<string, string>
    if (res.status !== 200) throw new Error(`${path} answered ${res.status} ${JSON.stringify(body).slice(0, 120)}`)
    return body
  }
  try {
    const hash = await hashPassword(PASSWORD, { memoryCost: 1024, timeCost: 1 })
    const users = createUsersRepo(db)
    for (let i = 0; i < opts.users; i++) await users.insert({ username: `u${i}`, email: `u${i}@example.com`, passwordHash: hash, emailVerified: true, now: clock.now() })

    const samples: [number, number][] = []
    const sample = async (hour: number) => {
      samples.push([hour, (await db.sizeBytes()) / 2 ** 20])
      opts.say(`churn: hour ${hour}: ${samples.at(-1)![1].toFixed(2)} MB`)
    }
    const sweepEveryMin = Math.max(1, Math.round(config.housekeepingInterval / 60))
    let logins = 0
    await sample(0)
    for (let minute = 1; minute <= opts.hours * 60; minute++) {
      for (let i = 0; i < opts.loginsPerMinute; i++) {
        const u = `u${(logins + i) % opts.users}`
        const pair = await call('login/', { username: u, password: PASSWORD })
        const next = await call('token/refresh/', { refresh: pair.refresh_token })
        // Half log out; the other half just leave (their sessions expire after the refresh lifetime).
        if (i % 2 === 0) await call('logout/', {}, { authorization: `Bearer ${next.access_token}` })
        if (i % 10 === 0) await call('password/reset/', { email: `${u}@example.com` })
      }
      logins += opts.loginsPerMinute
      // The mail worker's part: the queued reset e-mails are "sent".
      const outbox = createOutboxRepo(db)
      for (const row of await outbox.claim(clock.now(), 15, clock.now() + 60_000, 1000)) await outbox.markSent(row.id, clock.now())
      clock.advance(60)
      if (minute % sweepEveryMin === 0) await sweepOnce({ db, clock, config })
      if (minute % 60 === 0) await sample(minute / 60)
    }
    const half = samples.slice(Math.floor(samples.length / 2))
    const growthPct = ((half.at(-1)![1] - half[0]![1]) / half[0]![1]) * 100
    return {
      simulatedHours: opts.hours,
      logins,
      samples,
      secondHalfGrowthPct: growthPct,
      flat: growthPct <= 5,
      wallSeconds: (performance.now() - started) / 1000,
    }
  } finally {
    await db.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

export const churnLines = (r: ChurnResult) =>
  [
    `churn: ${r.simulatedHours} simulated hours, ${r.logins} logins (each refreshed; half logged out; a reset e-mail every tenth), housekeeping every interval`,
    `  database MB by hour: ${r.samples.map(([h, mb]) => `${h}h ${mb.toFixed(2)}`).join(', ')}`,
    `  second half growth ${r.secondHalfGrowthPct.toFixed(1)} % -> ${r.flat ? 'flat' : 'GROWING'} (${r.wallSeconds.toFixed(0)} s wall)`,
  ].join('\n')
