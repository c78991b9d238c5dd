// `authkit db copy`: what it refuses before touching anything (the copying itself: test/db/copy.test.ts,
// and with real processes on PostgreSQL test/scale/copy.test.ts).
import { describe, expect, it } from 'bun:test'
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { runCli } from '../../src/cli/index.ts'
import type { CliIO } from '../../src/cli/commands.ts'
import { lockDataDir } from '../../src/db/lock.ts'
import { dbPath, openDatabase } from '../../src/db/open.ts'
import { tempDirs } from '../helpers/temp.ts'

const tempDir = tempDirs('authkit-db-copy-')
const URL = 'postgres://authkit:hunter2secret@127.0.0.1:1/authkit'

function cli(env: Record<string, string> = {}) {
  const cwd = tempDir()
  const out: string[] = []
  const err: string[] = []
  const io: CliIO = { env, cwd, stdout: (t) => out.push(t), stderr: (t) => err.push(t), stdin: async () => '' }
  return { data: join(cwd, 'data'), run: (...argv: string[]) => runCli(argv, io), err: () => err.join(''), out: () => out.join('') }
}

describe('authkit db copy refuses', () => {
  const usage: [string, string[], string][] = [
    ['neither --to nor --from', [], 'exactly one of --to URL'],
    ['both --to and --from', ['--to', URL, '--from', URL], 'exactly one of --to URL'],
    ['a URL that is not PostgreSQL', ['--to', 'mysql://h/db'], '--to must be a postgres:// or postgresql:// URL'],
  ]
  for (const [what, argv, message] of usage) {
    it(`${what}: usage, exit 2`, async () => {
      const c = cli()
      expect(await c.run('db', 'copy', ...argv, '--data', c.data)).toBe(2)
      expect(c.err()).toContain(message)
    })
  }

  it('--to without a SQLite database in the data directory, exit 1', async () => {
    const c = cli()
    expect(await c.run('db', 'copy', '--to', URL, '--data', c.data)).toBe(1)
    expect(c.err()).toContain('nothing to copy')
  })

  it('an installation already on DATABASE_URL, exit 1', async () => {
    const c = cli({ AUTHKIT_DATABASE_URL: URL })
    expect(await c.run('db', 'copy', '--from', URL, '--data', c.data)).toBe(1)
    expect(c.err()).toContain('DATABASE_URL is set')
  })

  it('while a server holds the data directory, exit 1 and the database password never printed', async () => {
    const c = cli()
    mkdirSync(c.data, { mode: 0o700 })
    await openDatabase(dbPath(c.data)).close() // an installation
    const server = lockDataDir(c.data, 'shared')! // what `serve` holds while it runs
    try {
      expect(await c.run('db', 'copy', '--to', URL, '--data', c.data)).toBe(1)
      expect(c.err()).toContain('stop it before copying')
      expect(c.err() + c.out()).not.toContain('hunter2secret')
    } finally {
      server.release()
    }
  })

  it('an unreachable PostgreSQL: exit 1, the password masked, the SQLite file kept', async () => {
    const c = cli()
    mkdirSync(c.data, { mode: 0o700 })
    await openDatabase(dbPath(c.data)).close()
    expect(await c.run('db', 'copy', '--to', URL, '--data', c.data)).toBe(1)
    expect(c.err()).toContain('db copy failed')
    expect(c.err() + c.out()).not.toContain('hunter2secret')
    expect(existsSync(dbPath(c.data))).toBe(true)
  })
})
