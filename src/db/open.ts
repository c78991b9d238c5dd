// Opens the SQLite database with the pragmas authkit relies on and brings its schema up to date.
import { Database } from 'bun:sqlite'
import { join } from 'node:path'
import type { Clock } from '../lib/clock.ts'
import { systemClock } from '../lib/clock.ts'
import { MIGRATIONS, type Migration } from './migrations/index.ts'

export type { Database }

/** The database was written by a newer authkit; we refuse to touch it. */
export class NewerDatabaseError extends Error {
  constructor(path: string, found: number, known: number) {
    super(
      `authkit: ${path} has schema version ${found}, but this authkit knows only up to ${known}; ` +
        'it was written by a newer authkit. Run that version (or restore a backup); the file was not changed.',
    )
    this.name = 'NewerDatabaseError'
  }
}

export const dbPath = (dataDir: string) => join(dataDir, 'authkit.db')

/** Opens (creating if needed) `path` (or `:memory:`), applies pragmas and pending migrations. */
export function openDatabase(path: string, opts: { clock?: Clock; migrations?: readonly Migration[] } = {}): Database {
  const db = new Database(path, { create: true, strict: true })
  try {
    db.exec('PRAGMA busy_timeout = 5000') // wait for another process's write lock instead of failing at once
    const migrations = opts.migrations ?? MIGRATIONS
    const found = schemaVersion(db) // before any pragma that writes: a newer database must stay byte-identical
    if (found > migrations.length) throw new NewerDatabaseError(path, found, migrations.length)
    db.exec('PRAGMA journal_mode = WAL') // readers never block the writer; a kill loses no committed data
    db.exec('PRAGMA synchronous = NORMAL') // with WAL: durable across process kills, far fewer fsyncs
    db.exec('PRAGMA foreign_keys = ON')
    // A checkpoint copies the WAL into the database and fsyncs both, on the connection that commits the
    // transaction that crosses the threshold, so a request waits for it. At the default (every 1,000 pages,
    // ~200 refreshes) that wait averaged ~35 µs per refresh transaction, a third of its time; every 10,000
    // pages (a WAL of up to ~40 MB) it is ~4 µs. Readers and durability are unaffected.
    db.exec('PRAGMA wal_autocheckpoint = 10000')
    migrate(db, path, migrations, opts.clock ?? systemClock)
    return db
  } catch (e) {
    db.close()
    throw e
  }
}

export function schemaVersion(db: Database): number {
  return (db.query('PRAGMA user_version').get() as { user_version: number }).user_version
}

/** Applies each pending migration in its own IMMEDIATE transaction, recording it; refuses a newer schema. */
export function migrate(db: Database, path: string, migrations: readonly Migration[], clock: Clock): number {
  const known = migrations.length
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration list is out of order at ${m.name}`)
  })
  let applied = 0
  for (;;) {
    // Re-read inside the lock: another process may have migrated while we waited.
    const step = db.transaction(() => {
      const current = schemaVersion(db)
      if (current > known) throw new NewerDatabaseError(path, current, known)
      const next = migrations[current]
      if (!next) return false
      db.exec(next.sql)
      db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT`)
      db.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($version, $name, $at)').run({
        version: next.version,
        name: next.name,
        at: clock.now(),
      })
      db.exec(`PRAGMA user_version = ${next.version}`)
      return true
    })
    if (!step.immediate()) return applied
    applied++
  }
}
