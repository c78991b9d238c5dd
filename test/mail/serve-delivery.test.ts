import { afterEach, describe, expect, it } from 'bun:test'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli } from '../../src/cli/index.ts'
import { dbPath, openDatabase } from '../../src/db/open.ts'
import { createOutboxRepo } from '../../src/mail/outbox.repo.ts'
import { GOOD_PASSWORD } from '../accounts/helpers.ts'
import { freePort } from '../helpers/server.ts'
import { testSmtp } from './smtp-server.ts'

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

describe('authkit serve with EMAIL_URL', () => {
  it('delivers mail queued before the start and mail caused by requests, then stops with exit 0', async () => {
    const smtp = await testSmtp()
    cleanups.push(() => smtp.stop())
    const cwd = mkdtempSync(join(tmpdir(), 'authkit-serve-mail-'))
    cleanups.push(() => rmSync(cwd, { recursive: true, force: true }))
    const data = join(cwd, 'data')

    // Left in the outbox by an earlier run.
    mkdirSync(data, { mode: 0o700 })
    const db = openDatabase(dbPath(data))
    await createOutboxRepo(db).add({ to: 'early@example.com', subject: 'From the last run', text: 'still pending', kind: 'verify_email' }, Date.now())
    await db.close()

    let stop!: (s: string) => void
    const stopSignal = new Promise<string>((r) => {
      stop = r
    })
    const port = await freePort()
    const exit = runCli(['serve', '--port', String(port), '--host', '127.0.0.1', '--data', data], {
      env: { AUTHKIT_EMAIL_URL: smtp.url, AUTHKIT_ARGON2_MEMORY_COST: '1024', AUTHKIT_ARGON2_TIME_COST: '1', AUTHKIT_ACCESS_LOG: 'false' },
      cwd,
      stdout() {},
      stderr() {},
      stdin: async () => '',
      stopSignal,
    })
    const early = await smtp.waitFor(1)
    expect(early.subject).toBe('From the last run')

    let res: Response | undefined
    for (let i = 0; i < 50 && !res; i++) {
      res = await fetch(`http://127.0.0.1:${port}/api/auth/registration/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'ann', email: 'ann@example.com', password1: GOOD_PASSWORD, password2: GOOD_PASSWORD }),
      }).catch(() => undefined)
      if (!res) await Bun.sleep(20)
    }
    expect(res?.status).toBe(201)
    const mail = await smtp.waitFor(2)
    expect(mail.text).toContain(`http://127.0.0.1:${port}/verify-email?key=`)

    stop('SIGTERM')
    expect(await exit).toBe(0)
    const after = openDatabase(dbPath(data))
    expect((await createOutboxRepo(after).list()).every((m) => m.sent_at !== null)).toBe(true)
    await after.close()
  })
})
