// Crash safety (API.md §13): the built binary, killed with SIGKILL at random moments under write load
// (registrations, logins, refreshes, logouts over HTTP), loses no write it had answered, and its database
// passes PRAGMA integrity_check after every kill. CRASH_ROUNDS sets the number of kills (default 5).
import { Database } from 'bun:sqlite'
import { afterAll, describe, expect, it } from 'bun:test'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { buildBinary, type Served, serveBinary } from '../helpers/binary.ts'
import { tempDirs } from '../helpers/temp.ts'

const ROUNDS = Number(process.env.CRASH_ROUNDS ?? 5)
const CLIENTS = 6
const PASSWORD = 'velvet-Otter-91-lamp'
const ENV = {
  AUTHKIT_ACCESS_LOG: 'false',
  AUTHKIT_USE_AUTH_COOKIE: 'false', // tokens in the answer bodies, as a mobile or server client gets them
  AUTHKIT_ACCOUNT_EMAIL_VERIFICATION: 'none',
  AUTHKIT_ACCOUNT_RATE_LIMITS: '', // one IP makes hundreds of sign-ups and logins a second here
  AUTHKIT_ARGON2_MEMORY_COST: '1024', // cheap hashes: more writes per second, so more of them in flight at a kill
  AUTHKIT_ARGON2_TIME_COST: '1',
}

const built = await buildBinary()
afterAll(() => {
  if ('path' in built) rmSync(join(built.path, '..'), { recursive: true, force: true })
})
if ('error' in built) console.warn(`SKIPPED crash-safety test: the binary could not be built (${built.error})`)

/** What the client saw answered with a 2xx: each must be in the database after any kill. */
interface Answered {
  users: string[]
  sessions: string[] // login: the access token's sid
  refreshes: string[] // token/refresh: the new refresh token's jti
  logouts: string[] // logout: the sid whose session must be revoked
}

const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as { sid: string; jti: string }

async function post(base: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}/api/auth/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as Record<string, string> }
}

/** One client: register, log in, refresh twice, log out, again and again, until the server dies. */
async function client(base: string, name: string, seen: Answered): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      const username = `${name}x${i}`
      const reg = await post(base, 'registration/', { username, email: `${username}@example.com`, password1: PASSWORD, password2: PASSWORD })
      if (reg.status !== 201) throw new Error(`registration answered ${reg.status} ${JSON.stringify(reg.body)}`)
      seen.users.push(username)
      const login = await post(base, 'login/', { username, password: PASSWORD })
      if (login.status !== 200) throw new Error(`login answered ${login.status}`)
      const sid = claims(login.body.access_token!).sid
      seen.sessions.push(sid)
      let refresh = login.body.refresh_token!
      let access = login.body.access_token!
      for (let r = 0; r < 2; r++) {
        const next = await post(base, 'token/refresh/', { refresh })
        if (next.status !== 200) throw new Error(`refresh answered ${next.status}`)
        refresh = next.body.refresh_token!
        access = next.body.access_token!
        seen.refreshes.push(claims(refresh).jti)
      }
      const out = await post(base, 'logout/', { refresh }, { authorization: `Bearer ${access}` })
      if (out.status !== 200) throw new Error(`logout answered ${out.status}`)
      seen.logouts.push(sid)
    } catch (e) {
      // A request cut by the kill fails to fetch; anything else answered wrongly is a bug.
      if (e instanceof Error && /answered/.test(e.message)) throw e
      return
    }
  }
}

/** Answered writes missing from the database, and its integrity check. */
function audit(dbFile: string, seen: Answered) {
  const db = new Database(dbFile) // read-write: opening replays the WAL the killed process left
  try {
    const integrity = db.query<{ integrity_check: string }, []>('PRAGMA integrity_check').all().map((r) => r.integrity_check)
    const has = (sql: string, v: string) => db.query(sql).get(v) !== null
    const missing = [
      ...seen.users.filter((u) => !has('SELECT 1 FROM users WHERE username = ?', u)).map((u) => `user ${u}`),
      ...seen.sessions.filter((s) => !has('SELECT 1 FROM sessions WHERE id = ?', s)).map((s) => `session ${s}`),
      ...seen.refreshes.filter((j) => !has('SELECT 1 FROM refresh_tokens WHERE jti = ?', j)).map((j) => `refresh ${j}`),
      ...seen.logouts.filter((s) => !has('SELECT 1 FROM sessions WHERE id = ? AND revoked_at IS NOT NULL', s)).map((s) => `logout ${s}`),
    ]
    return { integrity, missing }
  } finally {
    db.close()
  }
}

const tempDir = tempDirs('authkit-crash-')

describe('crash safety of the built binary', () => {
  it.skipIf('error' in built)(
    'kill -9 during write load loses no answered write, and the database passes its integrity check after restart',
    async () => {
      const binary = (built as { path: string }).path
      const dataDir = tempDir()
      const seen: Answered = { users: [], sessions: [], refreshes: [], logouts: [] }
      let total = 0
      for (let round = 0; round < ROUNDS; round++) {
        const server: Served = await serveBinary(binary, dataDir, ENV)
        const clients = Array.from({ length: CLIENTS }, (_, c) => client(server.base, `r${round}c${c}`, seen))
        await Bun.sleep(300 + Math.random() * 1200) // a random moment under load
        server.proc.kill('SIGKILL')
        await server.proc.exited
        await Promise.all(clients)
        const { integrity, missing } = audit(join(dataDir, 'authkit.db'), seen)
        expect(integrity).toEqual(['ok'])
        expect(missing).toEqual([])
        total = seen.users.length + seen.sessions.length + seen.refreshes.length + seen.logouts.length
      }
      console.log(`crash safety: ${ROUNDS} kills, ${seen.users.length} registrations, ${seen.sessions.length} logins, ${seen.refreshes.length} refreshes, ${seen.logouts.length} logouts answered, none lost`)
      // The load really wrote: a round that answered nothing proves nothing.
      expect(seen.users.length).toBeGreaterThan(ROUNDS * CLIENTS)
      expect(total).toBeGreaterThan(seen.users.length * 2)
      // The last start after all kills still serves (the database opens and migrates cleanly).
      const last = await serveBinary(binary, dataDir, ENV)
      const login = await post(last.base, 'login/', { username: seen.users[0], password: PASSWORD })
      last.proc.kill('SIGTERM')
      await last.proc.exited
      expect(login.status).toBe(200)
    },
    60_000,
  )
})
