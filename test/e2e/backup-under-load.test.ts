// `authkit backup` of a running server under write load, restored into a fresh data directory: the copy is
// intact and holds every write answered before the backup started; `restore` refuses the live directory.
import { afterEach, describe, expect, it } from 'bun:test'
import { Database } from 'bun:sqlite'
import { join } from 'node:path'
import { dbPath } from '../../src/db/open.ts'
import { type RunningServer, startServer } from '../helpers/server.ts'
import { tempDirs } from '../helpers/temp.ts'

const ROOT = join(import.meta.dir, '..', '..')
const PASSWORD = 'Forward-the-Light-Brigade-1854'
const tempDir = tempDirs('authkit-backup-load-')
// No e-mail step and no registration limit: the load is one client registering as fast as it can.
const LOAD_ENV = { AUTHKIT_PUBLIC_URL: 'http://127.0.0.1', AUTHKIT_ACCOUNT_EMAIL_VERIFICATION: 'none', AUTHKIT_ACCESS_LOG: 'false', AUTHKIT_ACCOUNT_RATE_LIMITS: '' }
const servers: RunningServer[] = []
afterEach(async () => {
  for (const s of servers.splice(0)) if (s.process.exitCode === null) await s.stop()
})

/** `authkit ARGS` as its own process, like an operator's shell or a cron job. */
async function authkit(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const p = Bun.spawn([process.execPath, join(ROOT, 'src', 'main.ts'), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    stdout: 'pipe',
    stderr: 'pipe',
  })
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited])
  return { code, out, err }
}

describe('backup of a running server under write load', () => {
  it('is consistent and holds every write answered before it started; restore refuses the live data directory', async () => {
    const dir = tempDir()
    const data = join(dir, 'data')
    const server = await startServer(data, LOAD_ENV)
    servers.push(server)

    // Four clients registering accounts as fast as the server answers, until told to stop.
    const answered: string[] = []
    let stop = false
    let n = 0
    const writer = async () => {
      while (!stop) {
        const username = `user${n++}`
        const res = await fetch(`${server.origin}/api/auth/registration/`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username, email: `${username}@example.com`, password1: PASSWORD, password2: PASSWORD }),
        })
        if (res.status !== 201) throw new Error(`registration ${username}: ${res.status} ${await res.text()}`)
        answered.push(username)
      }
    }
    const writers = Promise.all([writer(), writer(), writer(), writer()])
    const failed = writers.then(() => null, (e: Error) => e)
    while (answered.length < 40) {
      const e = await Promise.race([failed, Bun.sleep(10).then(() => null)])
      if (e) throw e
    }

    const before = [...answered]
    const file = join(dir, 'backup.db')
    const backup = await authkit('backup', file, '--data', data)
    const duringBackup = answered.length - before.length
    stop = true
    await writers
    expect(backup.err).toBe('')
    expect(backup.code).toBe(0)
    expect(duringBackup).toBeGreaterThan(0) // the server really was writing while the backup ran

    const refused = await authkit('restore', file, '--data', data)
    expect(refused.code).toBe(1)
    expect(refused.err).toContain('a server is using')

    const fresh = join(dir, 'fresh')
    const restored = await authkit('restore', file, '--data', fresh)
    expect(restored.err).toBe('')
    expect(restored.code).toBe(0)
    const db = new Database(dbPath(fresh), { readonly: true })
    expect(db.query('PRAGMA integrity_check').all()).toEqual([{ integrity_check: 'ok' }])
    const present = new Set(db.query<{ username: string }, []>('SELECT username FROM users').all().map((r) => r.username))
    db.close()
    const missing = before.filter((u) => !present.has(u))
    expect(missing).toEqual([])

    // The restored directory serves: an account from before the backup logs in.
    const second = await startServer(fresh, LOAD_ENV)
    servers.push(second)
    const login = await fetch(`${second.origin}/api/auth/login/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: before[0], password: PASSWORD }),
    })
    expect(login.status).toBe(200)
  }, 60_000)

  it('a server killed with SIGKILL leaves no lock behind: restore proceeds', async () => {
    const dir = tempDir()
    const data = join(dir, 'data')
    const server = await startServer(data, { AUTHKIT_PUBLIC_URL: 'http://127.0.0.1' })
    servers.push(server)
    const file = join(dir, 'backup.db')
    expect((await authkit('backup', file, '--data', data)).code).toBe(0)
    expect((await authkit('restore', file, '--data', data)).code).toBe(1)
    server.process.kill('SIGKILL')
    await server.process.exited
    const restored = await authkit('restore', file, '--data', data)
    expect(restored.err).toBe('')
    expect(restored.code).toBe(0)
  }, 30_000)
})
