// The SQLite engine (bun:sqlite, the embedded default): everything SQLite-specific about running
// statements, transactions, group commit, pragmas and migrations lives here.
import { Database as SqliteConnection, type Statement as SqliteStatement } from 'bun:sqlite'
import type { Clock } from '../lib/clock.ts'
import { systemClock } from '../lib/clock.ts'
import { type Database, type Db, NewerDatabaseError, type Params, type Statement, built, sql } from './engine.ts'
import type { Migration } from './migrations/index.ts'
import { MIGRATIONS } from './migrations/index.ts'

type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown }

// Transaction control, prepared once like every other statement (a refresh runs a savepoint of its own).
const BEGIN = sql('BEGIN IMMEDIATE')
const COMMIT = sql('COMMIT')
const ROLLBACK = sql('ROLLBACK')
const SAVEPOINT = sql('SAVEPOINT sp')
const RELEASE = sql('RELEASE sp')
const ROLLBACK_TO = sql('ROLLBACK TO sp')

/** How long work outside a transaction waits for it before failing loudly (a query on `db` inside `db.transaction` would wait forever). */
const TX_WAIT_LIMIT_MS = 10_000

/**
 * bun:sqlite is synchronous, so every statement answers at once; an open transaction, however, spans the
 * microtasks of its async `work`. While one is open, statements from elsewhere (other requests) wait
 * until it ends, so they never see its uncommitted rows nor slip their own writes into it.
 */
class SqliteEngine {
  readonly conn: SqliteConnection
  private readonly prepared = new Map<Statement<unknown, Params>, SqliteStatement>()
  /** Whether a transaction (or a statement that waited for one) holds the connection. */
  held = false
  /** Who waits for the connection, first come first served; each is handed it by `release`. */
  private readonly waiters: { take(): void; fail(e: Error): void }[] = []
  /** One timer while anyone waits: fails the waiters if the holder keeps the connection TX_WAIT_LIMIT_MS. */
  private watchdog: Timer | null = null
  readonly root: SqliteDb
  readonly tx: SqliteDb

  constructor(
    conn: SqliteConnection,
    private readonly waitLimitMs = TX_WAIT_LIMIT_MS,
  ) {
    this.conn = conn
    this.root = new SqliteDb(this, false)
    this.tx = new SqliteDb(this, true)
  }

  /** Runs a transaction-control statement (BEGIN, COMMIT, a savepoint...). */
  control(s: Statement): void {
    this.stmt(s).run()
  }

  stmt(s: Statement<unknown, Params>): SqliteStatement {
    let p = this.prepared.get(s)
    if (!p) {
      p = this.conn.prepare(s.text)
      this.prepared.set(s, p)
    }
    return p
  }

  /**
   * Finalizes the cached statements. bun's close() uses sqlite3_close_v2, which keeps a connection with
   * unfinalized statements open as a zombie until they are garbage-collected: its WAL was then folded into
   * the file at some later moment (test/ops/backup.test.ts saw authkit.db change after close).
   */
  finalizeAll(): void {
    for (const p of this.prepared.values()) p.finalize()
    this.prepared.clear()
  }

  /**
   * Takes the connection: at once (null) when it is free, else a promise that resolves when it is handed
   * over, in arrival order. A queue rather than everyone waking at each commit to race for it: with a
   * hundred transactions waiting that was a hundred wake-ups (and timers) per commit.
   */
  acquire(): Promise<void> | null {
    if (!this.held) {
      this.held = true
      return null
    }
    return new Promise<void>((take, fail) => {
      this.waiters.push({ take, fail })
      this.watchdog ??= setTimeout(() => this.stuck(), this.waitLimitMs)
    })
  }

  /** Hands the connection to the next waiter (which now holds it), or frees it. */
  release(): void {
    const next = this.waiters.shift()
    if (this.watchdog) {
      clearTimeout(this.watchdog)
      this.watchdog = this.waiters.length > 0 ? setTimeout(() => this.stuck(), this.waitLimitMs) : null
    }
    if (next) next.take()
    else this.held = false
  }

  /** The holder kept the connection too long: most likely work on `db` inside db.transaction(), which would wait forever. */
  private stuck(): void {
    this.watchdog = null
    const error = new Error(`a database call waited ${this.waitLimitMs / 1000} s for a transaction: inside db.transaction(), use its tx`)
    for (const w of this.waiters.splice(0)) w.fail(error)
  }

  /** Runs `f` holding the connection: at once when it is free, else after the transactions before it. */
  whenFree<T>(f: () => T): T | Promise<T> {
    if (!this.held) return f()
    return (this.acquire() as Promise<void>).then(() => {
      try {
        return f()
      } finally {
        this.release()
      }
    })
  }

  /** Opens the write transaction (BEGIN IMMEDIATE: the write lock now, so no upgrade deadlock later). */
  async begin(): Promise<() => void> {
    const waiting = this.acquire()
    if (waiting) await waiting
    try {
      this.control(BEGIN)
    } catch (e) {
      this.release()
      throw e
    }
    return () => this.release()
  }

  async transaction<T>(work: (tx: Db) => Promise<T>): Promise<T> {
    const end = await this.begin()
    try {
      const value = await work(this.tx)
      this.control(COMMIT)
      return value
    } catch (e) {
      if (this.conn.inTransaction) this.control(ROLLBACK)
      throw e
    } finally {
      end()
    }
  }

  async savepoint<T>(work: (tx: Db) => Promise<T>): Promise<T> {
    this.control(SAVEPOINT)
    try {
      const value = await work(this.tx)
      this.control(RELEASE)
      return value
    } catch (e) {
      this.control(ROLLBACK_TO)
      this.control(RELEASE)
      throw e
    }
  }
}

class SqliteDb implements Db {
  readonly engine = 'sqlite' as const
  private readonly uses = new Map<unknown, unknown>()
  constructor(
    private readonly e: SqliteEngine,
    private readonly inTx: boolean,
  ) {}

  get<R, P extends Params>(s: Statement<R, P>, params: P): R | null | Promise<R | null> {
    // Outside a transaction, a statement waits while one is open (it would see or join its writes).
    if (!this.inTx && this.e.held) return this.e.whenFree(() => (this.e.stmt(s as Statement<unknown, Params>).get(params) as R | null) ?? null)
    return (this.e.stmt(s as Statement<unknown, Params>).get(params) as R | null) ?? null
  }

  all<R, P extends Params>(s: Statement<R, P>, params: P): R[] | Promise<R[]> {
    // Outside a transaction, a statement waits while one is open (it would see or join its writes).
    if (!this.inTx && this.e.held) return this.e.whenFree(() => this.e.stmt(s as Statement<unknown, Params>).all(params) as R[])
    return this.e.stmt(s as Statement<unknown, Params>).all(params) as R[]
  }

  run<P extends Params>(s: Statement<unknown, P>, params: P): number | Promise<number> {
    // Outside a transaction, a statement waits while one is open (it would see or join its writes).
    if (!this.inTx && this.e.held) return this.e.whenFree(() => this.e.stmt(s as Statement<unknown, Params>).run(params).changes)
    return this.e.stmt(s as Statement<unknown, Params>).run(params).changes
  }

  transaction<T>(work: (tx: Db) => Promise<T>): Promise<T> {
    return this.inTx ? this.e.savepoint(work) : this.e.transaction(work)
  }

  use<T>(factory: (db: Db) => T): T {
    return built(this.uses, factory, this)
  }
}

class SqliteDatabase extends SqliteDb implements Database {
  readonly ready = Promise.resolve()
  constructor(
    private readonly engineState: SqliteEngine,
    readonly location: string,
  ) {
    super(engineState, false)
  }

  groupCommit<A extends unknown[], R>(work: (tx: Db, ...args: A) => Promise<R>): (...args: A) => Promise<R> {
    return groupCommit(this.engineState, work)
  }

  async sizeBytes(): Promise<number> {
    return this.engineState.whenFree(
      () => (this.engineState.conn.query('SELECT page_count * page_size AS n FROM pragma_page_count(), pragma_page_size()').get() as { n: number }).n,
    )
  }

  async ping(): Promise<void> {
    await this.engineState.whenFree(() => this.engineState.conn.query('SELECT 1').get())
  }

  async close(opts: { optimize?: boolean } = {}): Promise<void> {
    await this.engineState.whenFree(() => {
      if (opts.optimize) this.engineState.conn.exec('PRAGMA optimize')
      this.engineState.finalizeAll()
      this.engineState.conn.close()
    })
  }

  /** The underlying connection, for SQLite-only tools and tests (query plans, pragmas). */
  get connection(): SqliteConnection {
    return this.engineState.conn
  }
}

export type { SqliteDatabase }

interface Job<A, R> {
  args: A
  resolve(value: R): void
  reject(error: unknown): void
}

/**
 * Group commit: write transactions that arrive in the same turn of the event loop run together, each in
 * its own savepoint, inside one IMMEDIATE transaction that is committed once.
 *
 * A commit is the expensive part of a small write (write lock, WAL frames, lock release: a dozen system
 * calls), and a busy server has several refreshes ready at the same moment whose rows share pages. Each
 * caller still gets its own result or error: a job that throws rolls back only its own writes. The promise
 * settles after the commit, so nothing is answered before it is durable, exactly as with one transaction
 * per request. An idle server runs batches of one, a turn of the event loop later.
 */
function groupCommit<A extends unknown[], R>(e: SqliteEngine, work: (tx: Db, ...args: A) => Promise<R>): (...args: A) => Promise<R> {
  let queue: Job<A, R>[] = []

  const flush = async () => {
    const jobs = queue
    queue = []
    let end: () => void
    try {
      end = await e.begin()
    } catch (error) {
      // BEGIN failed (e.g. another process held the write lock past busy_timeout): nothing was written.
      for (const j of jobs) j.reject(error)
      return
    }
    const settled: Settled<R>[] = []
    try {
      for (const j of jobs) {
        try {
          settled.push({ ok: true, value: await e.savepoint((tx) => work(tx, ...j.args)) })
        } catch (error) {
          settled.push({ ok: false, error })
        }
      }
      e.control(COMMIT)
    } catch (error) {
      if (e.conn.inTransaction) e.control(ROLLBACK)
      end()
      for (const j of jobs) j.reject(error)
      return
    }
    end()
    settled.forEach((s, i) => (s.ok ? jobs[i]!.resolve(s.value) : jobs[i]!.reject(s.error)))
  }

  return (...args: A) =>
    new Promise<R>((resolve, reject) => {
      queue.push({ args, resolve, reject })
      if (queue.length === 1) setImmediate(flush)
    })
}

/** Opens (creating if needed) the SQLite file at `path` (or `:memory:`), applies pragmas and pending migrations. */
/**
 * `waitLimitMs`: how long a statement may wait for a transaction before failing (tests shorten it).
 * `migrate: false` opens an existing file read-only, as it is: no pragma, no migration (to look before changing).
 */
export function openSqlite(
  path: string,
  opts: { clock?: Clock; migrations?: readonly Migration[]; waitLimitMs?: number; migrate?: boolean } = {},
): SqliteDatabase {
  if (opts.migrate === false) return new SqliteDatabase(new SqliteEngine(new SqliteConnection(path, { readonly: true, strict: true })), path)
  const conn = new SqliteConnection(path, { create: true, strict: true })
  try {
    conn.exec('PRAGMA busy_timeout = 5000') // wait for another process's write lock instead of failing at once
    const migrations = opts.migrations ?? MIGRATIONS.sqlite
    const found = userVersion(conn) // before any pragma that writes: a newer database must stay byte-identical
    if (found > migrations.length) throw new NewerDatabaseError(path, found, migrations.length)
    conn.exec('PRAGMA journal_mode = WAL') // readers never block the writer; a kill loses no committed data
    conn.exec('PRAGMA synchronous = NORMAL') // with WAL: durable across process kills, far fewer fsyncs
    conn.exec('PRAGMA foreign_keys = ON')
    // A checkpoint copies the WAL into the database and fsyncs both, on the connection that commits the
    // transaction that crosses the threshold, so a request waits for it. At the default (every 1,000 pages,
    // ~200 refreshes) that wait averaged ~35 µs per refresh transaction, a third of its time; every 10,000
    // pages (a WAL of up to ~40 MB) it is ~4 µs. Readers and durability are unaffected.
    conn.exec('PRAGMA wal_autocheckpoint = 10000')
    migrateSqlite(conn, path, migrations, opts.clock ?? systemClock)
  } catch (e) {
    conn.close()
    throw e
  }
  return new SqliteDatabase(new SqliteEngine(conn, opts.waitLimitMs), path)
}

export function userVersion(conn: SqliteConnection): number {
  return (conn.query('PRAGMA user_version').get() as { user_version: number }).user_version
}

/** Applies each pending migration in its own IMMEDIATE transaction (SQLite's write lock is the migration lock). */
export function migrateSqlite(conn: SqliteConnection, path: string, migrations: readonly Migration[], clock: Clock): number {
  const known = migrations.length
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration list is out of order at ${m.name}`)
  })
  let applied = 0
  for (;;) {
    // Re-read inside the lock: another process may have migrated while we waited.
    const step = conn.transaction(() => {
      const current = userVersion(conn)
      if (current > known) throw new NewerDatabaseError(path, current, known)
      const next = migrations[current]
      if (!next) return false
      conn.exec(next.sql)
      conn.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT`)
      conn.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($version, $name, $at)').run({
        version: next.version,
        name: next.name,
        at: clock.now(),
      })
      conn.exec(`PRAGMA user_version = ${next.version}`)
      return true
    })
    if (!step.immediate()) return applied
    applied++
  }
}
