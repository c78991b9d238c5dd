// Start-up failures caused by the machine, each turned into one line that names the cause and the fix.
import { StartupError } from '../lib/errors.ts'

const codeOf = (e: unknown): string => String((e as { code?: unknown } | null)?.code ?? '')
const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 200)
const user = () => (typeof process.getuid === 'function' ? ` (uid ${process.getuid()})` : '')

/** Why the data directory (or the database in it) cannot be used, and what to do. */
export function dataDirFailure(e: unknown, dir: string): StartupError {
  const code = codeOf(e)
  const head = `authkit: cannot use the data directory ${dir}:`
  const elsewhere = 'or choose another with --data or DATA_DIR'
  switch (code) {
    case 'EACCES':
    case 'EPERM':
    case 'SQLITE_READONLY':
    case 'SQLITE_PERM':
      return new StartupError(`${head} permission denied; make it writable by the user running authkit${user()} ${elsewhere}`)
    case 'ENOTDIR':
    case 'EEXIST':
      return new StartupError(`${head} a file is in the way of the directory; remove or rename it ${elsewhere}`)
    case 'ENOSPC':
    case 'EDQUOT':
    case 'SQLITE_FULL':
      return new StartupError(`${head} the disk is full; free space on that device ${elsewhere}`)
    case 'ENOENT':
      return new StartupError(`${head} it cannot be created there (${messageOf(e)}); create it yourself ${elsewhere}`)
    case 'EROFS':
      return new StartupError(`${head} the file system is read-only; mount it writable ${elsewhere}`)
    case 'SQLITE_CANTOPEN':
      return new StartupError(`${head} the database file cannot be opened (${messageOf(e)}); check that the directory exists and is writable ${elsewhere}`)
    case 'SQLITE_CORRUPT':
    case 'SQLITE_NOTADB':
      return new StartupError(`${head} authkit.db is not a usable database (${messageOf(e)}); restore it from a backup ${elsewhere}`)
    default:
      return new StartupError(`${head} ${messageOf(e)}${code ? ` (${code})` : ''}; fix that ${elsewhere}`)
  }
}

/** Why the server cannot listen on host:port, and what to do. */
export function listenFailure(e: unknown, host: string, port: number): StartupError {
  const code = codeOf(e)
  const head = `authkit: cannot listen on ${host}:${port}:`
  switch (code) {
    case 'EADDRINUSE':
      return new StartupError(`${head} the address is already in use (another program, or another authkit, listens there); stop it or choose another port with --port or PORT`)
    case 'EACCES':
    case 'EPERM':
      return new StartupError(`${head} permission denied (ports below 1024 need privileges); use a port from 1024 up, e.g. --port 8000, behind a proxy`)
    case 'EADDRNOTAVAIL':
      return new StartupError(`${head} this machine has no such address; use one of its addresses, or --host 0.0.0.0 for all`)
    default:
      return new StartupError(`${head} ${messageOf(e)}${code ? ` (${code})` : ''}; choose another --host or --port`)
  }
}
