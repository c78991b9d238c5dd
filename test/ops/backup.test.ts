// `authkit backup FILE` and `authkit restore FILE` (API.md §12), run through the CLI on real files.
import { describe, expect, it } from 'bun:test'
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Database } from 'bun:sqlite'
import { createUsersRepo } from '../../src/users/users.repo.ts'
import type { CliIO } from '../../src/cli/commands.ts'
import { runCli } from '../../src/cli/index.ts'
import { lockDataDir } from '../../src/db/lock.ts'
import { MIGRATIONS } from '../../src/db/migrations/index.ts'
import { dbPath, openDatabase } from '../../src/db/open.ts'
import { tempDirs } from '../helpers/temp.ts'

const tempDir = tempDirs('authkit-backup-')

function cli(cwd: string) {
  const out: string[] = []
  const err: string[] = []
  const io: CliIO = {
    env: { AUTHKIT_ARGON2_MEMORY_COST: '1024', AUTHKIT_ARGON2_TIME_COST: '1' },
    cwd,
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    stdin: async () => '',
    stopSignal: new Promise(() => {}),
  }
  return { run: (...argv: string[]) => runCli(argv, io), out: () => out.join(''), err: () => err.join('') }
}

/** A data directory whose database holds the given usernames. */
async function dataWith(dir: string, usernames: string[]): Promise<string> {
  const data = join(dir, 'data')
  mkdirSync(data, { recursive: true })
  const db = openDatabase(dbPath(data))
  const users = createUsersRepo(db)
  for (const u of usernames) await users.insert({ username: u, email: `${u}@example.com`, passwordHash: 'x', emailVerified: true, now: Date.now() })
  await db.close()
  return data
}

const usernames = (data: string) => {
  const db = new Database(dbPath(data), { readonly: true })
  const names = db.query<{ username: string }, []>('SELECT username FROM users ORDER BY username').all().map((r) => r.username)
  db.close()
  return names
}

describe('authkit backup', () => {
  it('writes an owner-only, integrity-checked copy that restores into a fresh data directory', async () => {
    const dir = tempDir()
    const data = await dataWith(dir, ['ann', 'bob'])
    const c = cli(dir)
    expect(await c.run('backup', 'snap.db', '--data', data)).toBe(0)
    expect(c.out()).toContain('integrity ok')
    const file = join(dir, 'snap.db')
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(readdirSync(dir).filter((f) => f.includes('partial'))).toEqual([])

    const fresh = join(dir, 'fresh')
    expect(await c.run('restore', file, '--data', fresh)).toBe(0)
    expect(usernames(fresh)).toEqual(['ann', 'bob'])
  })

  it('refuses to overwrite an existing file unless --force', async () => {
    const dir = tempDir()
    const data = await dataWith(dir, ['ann'])
    writeFileSync(join(dir, 'snap.db'), 'keep me')
    const c = cli(dir)
    expect(await c.run('backup', 'snap.db', '--data', data)).toBe(1)
    expect(readFileSync(join(dir, 'snap.db'), 'utf8')).toBe('keep me')
    expect(await c.run('backup', 'snap.db', '--force', '--data', data)).toBe(0)
    expect(readFileSync(join(dir, 'snap.db')).subarray(0, 15).toString()).toBe('SQLite format 3')
  })

  it('says so when there is no database, and needs FILE', async () => {
    const dir = tempDir()
    const c = cli(dir)
    expect(await c.run('backup', 'snap.db', '--data', join(dir, 'empty'))).toBe(1)
    expect(c.err()).toContain('no database')
    expect(await c.run('backup')).toBe(2)
    expect(c.err()).toContain('backup needs FILE')
    expect(await c.run('backup', 'a.db', 'b.db')).toBe(2)
  })
})

describe('authkit restore', () => {
  it('restore refuses a corrupt file, a foreign SQLite file and a newer schema, changing nothing', async () => {
    const dir = tempDir()
    const data = await dataWith(dir, ['ann'])
    const before = readFileSync(dbPath(data))
    const c = cli(dir)

    writeFileSync(join(dir, 'garbage.db'), 'this is not a database at all'.repeat(200))
    expect(await c.run('restore', 'garbage.db', '--data', data)).toBe(1)

    // A backup whose pages were damaged after it was taken.
    expect(await c.run('backup', 'good.db', '--data', data)).toBe(0)
    const bytes = readFileSync(join(dir, 'good.db'))
    for (let i = 4096 + 100; i < bytes.length; i += 97) bytes[i] = 0xa5
    writeFileSync(join(dir, 'damaged.db'), bytes)
    expect(await c.run('restore', 'damaged.db', '--data', data)).toBe(1)

    const foreign = new Database(join(dir, 'foreign.db'))
    foreign.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)')
    foreign.close()
    expect(await c.run('restore', 'foreign.db', '--data', data)).toBe(1)
    expect(c.err()).toContain('not an authkit one')

    const newer = new Database(join(dir, 'good.db'))
    newer.exec(`PRAGMA user_version = ${MIGRATIONS.sqlite.length + 1}`)
    newer.close()
    expect(await c.run('restore', 'good.db', '--data', data)).toBe(1)
    expect(c.err()).toContain('newer than this authkit')

    expect(await c.run('restore', 'missing.db', '--data', data)).toBe(1)
    expect(readFileSync(dbPath(data)).equals(before)).toBe(true)
    expect(readdirSync(data).filter((f) => f.includes('restoring') || f.includes('before-restore'))).toEqual([])
  })

  it('replaces the database and keeps the previous one beside it', async () => {
    const dir = tempDir()
    const c = cli(dir)
    const data = await dataWith(dir, ['ann'])
    expect(await c.run('backup', 'snap.db', '--data', data)).toBe(0)
    const db = openDatabase(dbPath(data))
    await createUsersRepo(db).insert({ username: 'late', email: 'late@example.com', passwordHash: 'x', emailVerified: true, now: Date.now() })
    await db.close()
    expect(await c.run('restore', 'snap.db', '--data', data)).toBe(0)
    expect(usernames(data)).toEqual(['ann'])
    const kept = readdirSync(data).filter((f) => f.startsWith('authkit.db.before-restore-'))
    expect(kept.length).toBe(1)
    const old = new Database(join(data, kept[0]!), { readonly: true })
    expect(old.query('SELECT count(*) AS n FROM users').get()).toEqual({ n: 2 })
    old.close()
  })

  it('restore refuses while a server holds the data directory, and a server does not start during a restore', async () => {
    const dir = tempDir()
    const c = cli(dir)
    const data = await dataWith(dir, ['ann'])
    expect(await c.run('backup', 'snap.db', '--data', data)).toBe(0)
    const server = lockDataDir(data, 'shared')! // what `serve` holds while it runs
    expect(await c.run('restore', 'snap.db', '--data', data)).toBe(1)
    expect(c.err()).toContain('a server is using')
    server.release()

    const restoring = lockDataDir(data, 'exclusive')!
    expect(await c.run('serve', '--port', '0', '--host', '127.0.0.1', '--data', data)).toBe(1)
    expect(c.err()).toContain('is being restored')
    restoring.release()
    expect(existsSync(dbPath(data))).toBe(true)
  })
})
