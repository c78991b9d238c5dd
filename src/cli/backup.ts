// `authkit backup FILE` (a consistent snapshot of a running installation) and `authkit restore FILE`
// (refused while a server uses the data directory), both checking the file's integrity and schema version.
import { chmodSync, closeSync, copyFileSync, existsSync, fsyncSync, openSync, renameSync, rmSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { ensureDataDir } from '../config/data-dir.ts'
import { checkBackupFile, checkpointAndClose, snapshotInto } from '../db/backup.ts'
import { lockDataDir, lockPath } from '../db/lock.ts'
import { dbPath } from '../db/open.ts'
import { randomToken } from '../lib/crypto.ts'
import type { Command } from './commands.ts'

// TODO(storage): with DATABASE_URL (PostgreSQL, §11) both commands must refuse and point to pg_dump/pg_restore.

const fsyncFile = (path: string) => {
  const fd = openSync(path, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

/** A name next to `path` for a file that is renamed onto it once complete (rename is atomic within a directory). */
const sibling = (path: string, what: string) => join(dirname(path), `.${basename(path)}.${what}-${randomToken(6)}`)

export const backupCommand: Command = {
  words: ['backup'],
  args: ['FILE'],
  flags: { force: 'switch' },
  async run({ args, flags, io, settings }) {
    const { config } = settings()
    if (config.databaseUrl) {
      io.stderr('authkit: DATABASE_URL is set: the data is in PostgreSQL; back it up and restore it with pg_dump and pg_restore\n')
      return 1
    }
    const target = resolve(io.cwd, args[0]!)
    const source = dbPath(resolve(config.dataDir))
    if (!existsSync(source)) {
      io.stderr(`authkit: no database at ${source}: nothing to back up\n`)
      return 1
    }
    if (existsSync(target) && !flags.force) {
      io.stderr(`authkit: ${target} exists; choose another name or pass --force to replace it\n`)
      return 1
    }
    const partial = sibling(target, 'partial')
    try {
      snapshotInto(source, partial)
      chmodSync(partial, 0o600) // it holds password hashes and private signing keys
      const check = checkBackupFile(partial)
      if (!check.ok) {
        io.stderr(`authkit: the snapshot failed its check (${check.problem}); ${target} was not written\n`)
        return 1
      }
      fsyncFile(partial)
      renameSync(partial, target)
      io.stdout(
        `backup of ${source} written to ${target} (${check.bytes} bytes, schema version ${check.version}, integrity ok)\n` +
          'SECRET_KEY is not in it: keep DATA_DIR/secret_key (or your SECRET_KEY setting) with it\n',
      )
      return 0
    } finally {
      rmSync(partial, { force: true })
    }
  },
}

export const restoreCommand: Command = {
  words: ['restore'],
  args: ['FILE'],
  flags: {},
  async run({ args, io, settings }) {
    const { config } = settings()
    if (config.databaseUrl) {
      io.stderr('authkit: DATABASE_URL is set: the data is in PostgreSQL; back it up and restore it with pg_dump and pg_restore\n')
      return 1
    }
    const file = resolve(io.cwd, args[0]!)
    if (!existsSync(file)) {
      io.stderr(`authkit: ${file} does not exist\n`)
      return 1
    }
    const dataDir = ensureDataDir(config.dataDir)
    const lock = lockDataDir(dataDir, 'exclusive')
    if (!lock) {
      io.stderr(`authkit: a server is using ${dataDir} (it holds ${lockPath(dataDir)}); stop it before restoring. Nothing was changed.\n`)
      return 1
    }
    const live = dbPath(dataDir)
    const incoming = sibling(live, 'restoring')
    try {
      // The copy is what gets checked and then renamed into place: the bytes checked are the bytes used.
      copyFileSync(file, incoming)
      chmodSync(incoming, 0o600)
      const check = checkBackupFile(incoming)
      if (!check.ok) {
        io.stderr(`authkit: ${file} cannot be restored: ${check.problem}. Nothing was changed.\n`)
        return 1
      }
      fsyncFile(incoming)
      let kept = ''
      if (existsSync(live)) {
        // The current database is kept beside it, whole: its WAL folded in first, then moved aside.
        checkpointAndClose(live)
        kept = `${live}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`
        renameSync(live, kept)
      }
      // A WAL left from the old file must never be replayed into the new one.
      for (const suffix of ['-wal', '-shm']) rmSync(`${live}${suffix}`, { force: true })
      renameSync(incoming, live)
      io.stdout(
        `restored ${file} into ${live} (schema version ${check.version}, integrity ok)` +
          (kept ? `; the previous database is kept as ${kept}` : '') +
          '\n',
      )
      return 0
    } finally {
      rmSync(incoming, { force: true })
      lock.release()
    }
  },
}
