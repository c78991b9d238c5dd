// Opens the database a configuration names: DATABASE_URL (postgres:// or postgresql://) or, unset, the
// SQLite file in the data directory. The rest of authkit sees only the Database interface (engine.ts).
import { join } from 'node:path'
import type { Clock } from '../lib/clock.ts'
import type { Database } from './engine.ts'
import { openPostgres, type PostgresOptions } from './postgres.ts'
import { openSqlite } from './sqlite.ts'

export type { Database, Db } from './engine.ts'
export { NewerDatabaseError } from './engine.ts'

export const dbPath = (dataDir: string) => join(dataDir, 'authkit.db')

/** Whether `url` names a PostgreSQL database (the only URL scheme DATABASE_URL accepts). */
export const isPostgresUrl = (url: string) => /^postgres(ql)?:\/\//i.test(url)

/**
 * Opens `where`: a postgres:// URL, or a SQLite file path (or `:memory:`). SQLite is ready on return;
 * PostgreSQL connects and migrates in the background: await `db.ready` to know it worked.
 */
export function openDatabase(where: string, opts: { clock?: Clock } & Omit<PostgresOptions, 'clock'> = {}): Database {
  return isPostgresUrl(where) ? openPostgres(where, opts) : openSqlite(where, opts)
}

/** The database of a server configuration: DATABASE_URL, else DATA_DIR/authkit.db. Resolves once migrated. */
export async function openConfigured(config: { databaseUrl: string; dataDir: string }, opts: { clock?: Clock } = {}): Promise<Database> {
  const db = openDatabase(config.databaseUrl || dbPath(config.dataDir), opts)
  try {
    await db.ready
  } catch (e) {
    await db.close().catch(() => {})
    throw e
  }
  return db
}
