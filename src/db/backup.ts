// Snapshots of a live SQLite database and checks of a snapshot file, for `authkit backup` and `restore`.
import { Database } from 'bun:sqlite'
import { MIGRATIONS } from './migrations/index.ts'
import { userVersion as schemaVersion } from './sqlite.ts'

/**
 * Writes a consistent copy of the database at `source` to `target` (which must not exist) with VACUUM INTO:
 * one read transaction, so writers in other processes go on (WAL) and the copy is the database as of its start.
 */
export function snapshotInto(source: string, target: string): void {
  const db = new Database(source, { readwrite: true, create: false })
  try {
    db.exec('PRAGMA busy_timeout = 5000')
    db.query('VACUUM INTO $target').run({ $target: target })
  } finally {
    db.close()
  }
}

export type BackupCheck =
  | { ok: true; version: number; bytes: number }
  | { ok: false; problem: string }

/** Whether `file` is an intact authkit database this version can use: integrity, tables, schema version. */
export function checkBackupFile(file: string): BackupCheck {
  let db: Database
  try {
    db = new Database(file, { readwrite: true, create: false })
  } catch (e) {
    return { ok: false, problem: `cannot open it: ${(e as Error).message}` }
  }
  try {
    const rows = db.query<{ integrity_check: string }, []>('PRAGMA integrity_check').all()
    const verdict = rows.map((r) => r.integrity_check)
    if (verdict.length !== 1 || verdict[0] !== 'ok') return { ok: false, problem: `integrity check failed: ${verdict.slice(0, 3).join('; ')}` }
    const tables = new Set(db.query<{ name: string }, []>("SELECT name FROM sqlite_schema WHERE type = 'table'").all().map((r) => r.name))
    if (!tables.has('schema_migrations') || !tables.has('users')) return { ok: false, problem: 'it is an SQLite database but not an authkit one' }
    const version = schemaVersion(db)
    if (version > MIGRATIONS.sqlite.length) {
      return { ok: false, problem: `it has schema version ${version}, newer than this authkit knows (${MIGRATIONS.sqlite.length}); restore it with that authkit` }
    }
    const size = db.query<{ n: number }, []>('SELECT page_count * page_size AS n FROM pragma_page_count(), pragma_page_size()').get()!
    return { ok: true, version, bytes: size.n }
  } catch (e) {
    // "file is not a database", a truncated file: SQLite notices at the first read.
    return { ok: false, problem: (e as Error).message }
  } finally {
    db.close()
  }
}

/** Folds the WAL into the database file and closes it, so the file alone holds every committed write. */
export function checkpointAndClose(path: string): void {
  const db = new Database(path, { readwrite: true, create: false })
  try {
    db.exec('PRAGMA busy_timeout = 5000')
    db.exec('PRAGMA wal_checkpoint(TRUNCATE)')
  } finally {
    db.close()
  }
}
