import { describe, expect, it } from 'bun:test'
import { Database } from 'bun:sqlite'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { NewerDatabaseError } from '../../src/db/engine.ts'
import { MIGRATIONS as BOTH, type Migration } from '../../src/db/migrations/index.ts'
import { openSqlite, userVersion as schemaVersion } from '../../src/db/sqlite.ts'
import { ManualClock } from '../../src/lib/clock.ts'
import { tempDirs } from '../helpers/temp.ts'

const tempDir = tempDirs('authkit-db-')
const tempDb = () => join(tempDir(), 'authkit.db')

// The SQLite engine's migrations (PostgreSQL's: test/db/postgres.test.ts), on its raw connection.
const MIGRATIONS = BOTH.sqlite
const openDatabase = (path: string, opts: { clock?: ManualClock; migrations?: readonly Migration[] } = {}) => openSqlite(path, opts).connection

const tables = (db: Database) =>
  db.query<{ name: string }, []>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all().map((r) => r.name)

describe('migrations', () => {
  it('a fresh database gets every migration, recorded with its name and time', () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 29))
    const db = openDatabase(tempDb(), { clock })
    expect(schemaVersion(db)).toBe(MIGRATIONS.length)
    expect(tables(db)).toContain('users')
    expect(tables(db)).toContain('outbox')
    const rows = db.query<{ version: number; name: string; applied_at: number }, []>('SELECT * FROM schema_migrations ORDER BY version').all()
    expect(rows.map((r) => r.name)).toEqual(MIGRATIONS.map((m) => m.name))
    expect(rows.every((r) => r.applied_at === clock.now())).toBe(true)
    db.close()
  })

  it('opening again applies nothing and keeps the data', () => {
    const path = tempDb()
    const db1 = openDatabase(path)
    db1.run("INSERT INTO users (username, email, password_hash, date_joined) VALUES ('ann', 'ann@example.com', 'x', 1)")
    db1.close()
    const db2 = openDatabase(path)
    expect(db2.query('SELECT count(*) AS n FROM schema_migrations').get()).toEqual({ n: MIGRATIONS.length })
    expect(db2.query('SELECT username FROM users').all()).toEqual([{ username: 'ann' }])
    db2.close()
  })

  it('sets the pragmas authkit relies on', () => {
    const db = openDatabase(tempDb())
    expect(db.query('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' })
    expect(db.query('PRAGMA synchronous').get()).toEqual({ synchronous: 1 }) // NORMAL
    expect(db.query('PRAGMA foreign_keys').get()).toEqual({ foreign_keys: 1 })
    expect(db.query('PRAGMA busy_timeout').get()).toEqual({ timeout: 5000 })
    db.close()
  })

  it('a database from a newer authkit is refused and left untouched', () => {
    const path = tempDb()
    openDatabase(path).close()
    const raw = new Database(path)
    raw.exec('PRAGMA journal_mode = DELETE') // so that switching it to WAL would show as a change
    raw.exec(`PRAGMA user_version = ${MIGRATIONS.length + 1}`)
    raw.close()
    const before = readFileSync(path)
    let error: unknown
    try {
      openDatabase(path)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(NewerDatabaseError)
    expect((error as Error).message).toContain(`schema version ${MIGRATIONS.length + 1}`)
    expect((error as Error).message).toContain('newer authkit')
    expect(readFileSync(path).equals(before)).toBe(true)
  })

  it('a migration that fails is rolled back whole and nothing is recorded', () => {
    const path = tempDb()
    const broken = [...MIGRATIONS, { version: MIGRATIONS.length + 1, name: '9999_broken', sql: 'CREATE TABLE half (x); INSERT INTO nope VALUES (1);' }]
    expect(() => openDatabase(path, { migrations: broken })).toThrow()
    const db = openDatabase(path)
    expect(schemaVersion(db)).toBe(MIGRATIONS.length)
    expect(tables(db)).not.toContain('half')
    db.close()
  })

  it('e-mails and usernames are unique regardless of letter case', () => {
    const db = openDatabase(':memory:')
    db.run("INSERT INTO users (username, email, password_hash, date_joined) VALUES ('Ann', 'ann@example.com', 'x', 1)")
    expect(() => db.run("INSERT INTO users (username, email, password_hash, date_joined) VALUES ('ANN', 'b@example.com', 'x', 1)")).toThrow(/UNIQUE/)
    expect(() => db.run("INSERT INTO users (username, email, password_hash, date_joined) VALUES ('bob', 'ANN@example.com', 'x', 1)")).toThrow(/UNIQUE/)
    db.close()
  })

  it('the embedded lists name every .sql file of each engine, in order, the same steps for both', () => {
    for (const engine of ['sqlite', 'postgres'] as const) {
      const files = readdirSync(join(import.meta.dir, '../../src/db/migrations', engine))
        .filter((f) => f.endsWith('.sql'))
        .sort()
        .map((f) => f.replace(/\.sql$/, ''))
      expect(BOTH[engine].map((m) => m.name)).toEqual(files)
      expect(BOTH[engine].map((m) => m.version)).toEqual(files.map((_, i) => i + 1))
    }
  })
})
