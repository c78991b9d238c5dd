// `authkit db copy --to URL` (this installation's SQLite file -> an empty PostgreSQL database) and
// `authkit db copy --from URL` (PostgreSQL -> this installation's new SQLite file): moving an installation
// between the embedded engine and a shared one. The copying itself is src/db/copy.ts.
import { existsSync } from 'node:fs'
import { ensureDataDir } from '../config/data-dir.ts'
import { CopyRefused, copyDatabase, refuseNonEmptyTarget } from '../db/copy.ts'
import { lockDataDir, lockPath } from '../db/lock.ts'
import { type Database, NewerDatabaseError, dbPath, isPostgresUrl, openDatabase } from '../db/open.ts'
import { maskUrlPassword } from '../lib/url.ts'
import { UsageError } from './args.ts'
import type { Command } from './commands.ts'

/** Opens `where` and waits until it is migrated (with `migrate: false`, connected); a failure closes it again. */
async function opened(where: string, opts: { migrate?: boolean } = {}): Promise<Database> {
  const db = openDatabase(where, { max: 4, ...opts })
  try {
    await db.ready
    return db
  } catch (e) {
    await db.close().catch(() => {})
    throw e
  }
}

export const dbCopyCommand: Command = {
  words: ['db', 'copy'],
  flags: { to: 'value', from: 'value' },
  async run({ flags, io, settings }) {
    const to = typeof flags.to === 'string' ? flags.to : ''
    const from = typeof flags.from === 'string' ? flags.from : ''
    if (!to === !from) throw new UsageError('db copy needs exactly one of --to URL (SQLite -> PostgreSQL) or --from URL (PostgreSQL -> SQLite)')
    const url = to || from
    if (!isPostgresUrl(url)) throw new UsageError(`--${to ? 'to' : 'from'} must be a postgres:// or postgresql:// URL`)
    const { config } = settings()
    if (config.databaseUrl) {
      io.stderr('authkit: DATABASE_URL is set: this installation is on PostgreSQL already; db copy moves the SQLite file of a data directory (unset DATABASE_URL)\n')
      return 1
    }
    const dataDir = ensureDataDir(config.dataDir)
    const file = dbPath(dataDir)
    if (to && !existsSync(file)) {
      io.stderr(`authkit: no database at ${file}: nothing to copy\n`)
      return 1
    }
    // No server may write to the file while it is copied (its writes would be lost) or filled.
    const lock = lockDataDir(dataDir, 'exclusive')
    if (!lock) {
      io.stderr(`authkit: a server is using ${dataDir} (it holds ${lockPath(dataDir)}); stop it before copying. Nothing was changed.\n`)
      return 1
    }
    const where = maskUrlPassword(url)
    const opens: Database[] = []
    try {
      // The target is looked at as it is first: one with rows (of any schema version) is refused before
      // migrating it would change it. A SQLite target that does not exist yet is new, hence empty.
      if (to || existsSync(file)) {
        const look = await opened(to ? url : file, { migrate: false })
        try {
          await refuseNonEmptyTarget(look)
        } finally {
          await look.close().catch(() => {})
        }
      }
      // Both sides are migrated to this authkit's schema version (the target's tables created empty).
      const sqlite = await opened(file)
      opens.push(sqlite)
      const pg = await opened(url)
      opens.push(pg)
      const [source, target] = to ? [sqlite, pg] : [pg, sqlite]
      const report = await copyDatabase(source, target)
      const total = Object.values(report.tables).reduce((a, b) => a + b, 0)
      for (const [table, n] of Object.entries(report.tables)) io.stdout(`  ${table}: ${n}\n`)
      io.stdout(
        `copied ${total} rows in ${Object.keys(report.tables).length} tables (schema version ${report.version}) ` +
          `from ${to ? file : where} to ${to ? where : file}; row counts verified\n` +
          (to
            ? 'Run every instance with AUTHKIT_DATABASE_URL set to it and AUTHKIT_SECRET_KEY set to this installation\'s key (SECRET_KEY or DATA_DIR/secret_key)\n'
            : 'Run authkit on this data directory without DATABASE_URL and with the SECRET_KEY the PostgreSQL instances used\n'),
      )
      return 0
    } catch (e) {
      if (e instanceof CopyRefused || e instanceof NewerDatabaseError) {
        io.stderr(`authkit: db copy refused: ${e.message}\n`)
        return 1
      }
      io.stderr(`authkit: db copy failed (${(e as Error).message.replaceAll(url, where)}); the target was not changed\n`)
      return 1
    } finally {
      for (const db of opens) await db.close().catch(() => {})
      lock.release()
    }
  },
}
