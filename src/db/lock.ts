// The data directory's lock: every running server holds a shared flock(2) on DATA_DIR/authkit.lock, and
// `authkit restore` needs it exclusively. The kernel drops the lock when the process ends however it ends
// (SIGKILL, crash), so there is no stale pid file to clean up and no pid that a new process could reuse.
import { dlopen, FFIType } from 'bun:ffi'
import { closeSync, openSync } from 'node:fs'
import { join } from 'node:path'

const LOCK_SH = 1
const LOCK_EX = 2
const LOCK_NB = 4

export const lockPath = (dataDir: string) => join(dataDir, 'authkit.lock')

let flock: ((fd: number, operation: number) => number) | undefined
function libcFlock(): (fd: number, operation: number) => number {
  if (!flock) {
    const name = process.platform === 'darwin' ? 'libc.dylib' : 'libc.so.6'
    const lib = dlopen(name, { flock: { args: [FFIType.i32, FFIType.i32], returns: FFIType.i32 } })
    flock = (fd, op) => lib.symbols.flock(fd, op)
  }
  return flock
}

export interface DataDirLock {
  release(): void
}

/**
 * Takes the lock without waiting: `shared` for a server (several may share a data directory), `exclusive`
 * for restore. Returns null when another process holds it in a conflicting way.
 */
export function lockDataDir(dataDir: string, mode: 'shared' | 'exclusive'): DataDirLock | null {
  const fd = openSync(lockPath(dataDir), 'a', 0o600)
  if (libcFlock()(fd, (mode === 'shared' ? LOCK_SH : LOCK_EX) | LOCK_NB) !== 0) {
    closeSync(fd)
    return null
  }
  let held = true
  return {
    release() {
      if (held) closeSync(fd) // closing the descriptor releases the lock
      held = false
    },
  }
}
