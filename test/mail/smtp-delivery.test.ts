import { afterEach, describe, expect, it } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { testDatabase } from '../helpers/db.ts'
import { memoryLogger, silentLogger } from '../../src/http/logger.ts'
import { ManualClock } from '../../src/lib/clock.ts'
import { createOutboxRepo } from '../../src/mail/outbox.repo.ts'
import { smtpTransport } from '../../src/mail/transport.ts'
import { type MailWorker, createMailWorker, retryDelay } from '../../src/mail/worker.ts'
import { type TestApp, makeTestApp } from '../helpers/app.ts'
import { GOOD_PASSWORD, linkIn, register, userRow } from '../accounts/helpers.ts'
import { type TestSmtp, testSmtp } from './smtp-server.ts'

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function smtp(opts?: Parameters<typeof testSmtp>[0]): Promise<TestSmtp> {
  const s = await testSmtp(opts)
  cleanups.push(() => s.stop())
  return s
}

function worker(t: { deps: TestApp['deps'] } | { db: TestApp['deps']['db']; clock: ManualClock }, url: string, extra: Partial<Parameters<typeof createMailWorker>[0]> = {}): MailWorker {
  const db = 'deps' in t ? t.deps.db : t.db
  const clock = 'deps' in t ? t.deps.clock : t.clock
  const w = createMailWorker({ db, clock, log: silentLogger, transport: smtpTransport(url), from: 'authkit <noreply@example.com>', ...extra })
  cleanups.push(() => w.stop())
  return w
}

const row = async (t: TestApp, id = 1) => (await createOutboxRepo(t.deps.db).byId(id))!

describe('SMTP delivery', () => {
  it('delivers the verification e-mail (text and HTML carrying the link) and records sent_at', async () => {
    const server = await smtp()
    const t = makeTestApp({ siteName: 'Acme' })
    expect((await register(t)).status).toBe(201)
    expect(await worker(t, server.url).drain()).toBe(1)

    const mail = server.received[0]!
    expect(mail.to && 'text' in mail.to ? mail.to.text : '').toBe('ann@example.com')
    expect(mail.from?.text).toContain('noreply@example.com')
    expect(mail.subject).toBe('[Acme] Please Confirm Your Email Address')
    const link = linkIn(mail.text!)
    expect(mail.html).toContain(`href="${link.href}"`)
    expect((await row(t))).toMatchObject({ sent_at: t.clock.now(), attempts: 1, last_error: null })

    const key = link.searchParams.get('key')!
    const res = await t.req('/api/auth/registration/verify-email/', { method: 'POST', json: { key } })
    expect(res.status).toBe(200)
    expect((await userRow(t))!.email_verified).toBe(1)
  })

  it('delivers the password reset e-mail with a uid and token that reset the password', async () => {
    const server = await smtp()
    const t = makeTestApp({ accountEmailVerification: 'none' })
    await register(t)
    await t.req('/api/auth/password/reset/', { method: 'POST', json: { email: 'ann@example.com' } })
    expect(await worker(t, server.url).drain()).toBe(1)

    const mail = server.received[0]!
    expect(mail.subject).toBe('[authkit] Password Reset Email')
    const link = linkIn(mail.text!)
    expect(mail.html).toContain(`href="${link.href}"`)
    const res = await t.req('/api/auth/password/reset/confirm/', {
      method: 'POST',
      json: { uid: link.searchParams.get('uid'), token: link.searchParams.get('token'), new_password1: 'quartz-Heron-57-kite', new_password2: 'quartz-Heron-57-kite' },
    })
    expect(res.status).toBe(200)
  })

  it('mail queued while the SMTP server is down is delivered once it is back', async () => {
    const server = await smtp()
    await server.stop()
    const t = makeTestApp()
    await register(t)
    const w = worker(t, server.url)

    expect(await w.drain()).toBe(0)
    const failed = (await row(t))
    expect(failed.sent_at).toBeNull()
    expect(failed.attempts).toBe(1)
    expect(failed.last_error).toContain('ECONNREFUSED')
    expect(failed.next_attempt_at).toBe(t.clock.now() + retryDelay(1) * 1000)

    await server.start()
    expect(await w.drain()).toBe(0) // backing off: not due yet
    t.clock.advance(retryDelay(1))
    expect(await w.drain()).toBe(1)
    expect(server.received).toHaveLength(1)
    expect((await row(t))).toMatchObject({ sent_at: t.clock.now(), attempts: 2 })
  })

  it('retries back off exponentially and stop after MAX attempts, keeping the last error', async () => {
    const server = await smtp()
    await server.stop()
    const t = makeTestApp()
    await register(t)
    const w = worker(t, server.url, { maxAttempts: 3 })
    const delays: number[] = []
    for (let i = 0; i < 3; i++) {
      await w.drain()
      const r = (await row(t))
      delays.push((r.next_attempt_at - t.clock.now()) / 1000)
      t.clock.advance(3600)
    }
    expect(delays).toEqual([30, 60, 120])
    expect((await row(t)).attempts).toBe(3)
    await server.start()
    expect(await w.drain()).toBe(0)
    expect((await row(t))).toMatchObject({ attempts: 3, sent_at: null })
    expect((await row(t)).last_error).toContain('ECONNREFUSED')
  })

  it('pending mail is picked up after a restart (a new worker on the reopened database)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'authkit-mail-'))
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    const path = join(dir, 'authkit.db')
    const clock = new ManualClock()
    const server = await smtp()
    await server.stop()

    const db1 = testDatabase({ path, clock })
    await createOutboxRepo(db1).add({ to: 'ann@example.com', subject: 'Hello', text: 'queued before the restart', kind: 'verify_email' }, clock.now())
    const w1 = worker({ db: db1, clock }, server.url)
    expect(await w1.drain()).toBe(0)
    await w1.stop()
    await db1.close()

    await server.start()
    clock.advance(retryDelay(1))
    const db2 = testDatabase({ path, clock })
    cleanups.push(() => void db2.close())
    expect(await worker({ db: db2, clock }, server.url).drain()).toBe(1)
    expect(server.received[0]!.text).toContain('queued before the restart')
  })

  it('the running worker sends a new message at once, and stop() ends it cleanly', async () => {
    const server = await smtp()
    const t = makeTestApp()
    const w = worker(t, server.url, { pollIntervalMs: 60_000 })
    w.start()
    await register(t)
    const mail = await server.waitFor(1)
    expect(mail.subject).toContain('Please Confirm Your Email Address')
    await w.stop()
    await register(t, { username: 'bob', email: 'bob@example.com' })
    expect(await w.drain()).toBe(0) // stopped: nothing more goes out
    expect((await row(t, 2)).sent_at).toBeNull()
  })

  it('logs in with the credentials in EMAIL_URL, and never writes them into the error or the log', async () => {
    const server = await smtp({ auth: { user: 'mailer', pass: 's3cret-pass' } })
    const t = makeTestApp()
    await register(t)
    const log = memoryLogger()
    const wrong = `smtp://mailer:wrong-pass-77@127.0.0.1:${server.port}`
    expect(await worker(t, wrong, { log }).drain()).toBe(0)
    expect((await row(t)).last_error).toContain('Invalid')
    expect((await row(t)).last_error).not.toContain('wrong-pass-77')
    expect(log.lines.join('\n')).not.toContain('wrong-pass-77')
    expect(log.lines.join('\n')).not.toContain(GOOD_PASSWORD)

    t.clock.advance(retryDelay(1))
    expect(await worker(t, server.url).drain()).toBe(1)
    expect(server.received).toHaveLength(1)
  })
})
