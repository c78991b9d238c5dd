// The storage interface every repository and service is written against, once for both engines
// (SQLite in sqlite.ts, PostgreSQL in postgres.ts): statements, where they run, transactions, group commit.
//
// A statement is portable SQL with `$name` parameters, declared once at module level with `sql()`; each
// engine prepares it on first use and keeps it (SQLite: a cached bun:sqlite statement; PostgreSQL: a named
// prepared statement per connection). Results come back as plain values on SQLite (synchronous, no extra
// promise) and as promises on PostgreSQL, so callers `await` them: on SQLite that costs one microtask.

export type MaybePromise<T> = T | Promise<T>

/**
 * `f(value)` now when `value` is plain (SQLite), after it resolves when it is a promise (PostgreSQL): maps a
 * repo result without an extra promise and microtask on the SQLite hot path.
 */
export function then<T, U>(value: MaybePromise<T>, f: (v: T) => U): MaybePromise<U> {
  return value instanceof Promise ? (value.then(f) as Promise<U>) : f(value)
}

/** A bound value: numbers (integers, unix ms), text, or NULL. Booleans are stored as 0/1 by the repos. */
export type SqlValue = string | number | null

/** A type alias, not an interface: an object type with an implicit index signature binds as parameters. */
export type Params = Record<string, SqlValue>

/**
 * One SQL statement, written once for both engines: `$name` placeholders, no engine-only syntax (use
 * `CASE` for `max(a, b)`, `RETURNING` for generated ids; both engines have `ON CONFLICT ... DO UPDATE`).
 * `R` is the row type, `P` the parameters.
 */
export interface Statement<R = unknown, P extends Params = Params> {
  readonly text: string
  /** Phantom: carries R and P for type inference; never set. */
  readonly types?: { row: R; params: P }
}

/** Declares a statement; call at module level so each engine prepares it once and reuses it. */
export function sql<R = never, P extends Params = Record<string, never>>(text: string): Statement<R, P> {
  return { text }
}

/** Where statements run: the database itself, or an open transaction (the `tx` a transaction hands you). */
export interface Db {
  readonly engine: 'sqlite' | 'postgres'
  /** The first row, or null. */
  get<R, P extends Params>(s: Statement<R, P>, params: P): MaybePromise<R | null>
  all<R, P extends Params>(s: Statement<R, P>, params: P): MaybePromise<R[]>
  /** Runs a write; resolves to the number of rows it changed. */
  run<P extends Params>(s: Statement<unknown, P>, params: P): MaybePromise<number>
  /**
   * Runs `work` in one transaction: committed when it resolves, rolled back when it throws. Inside,
   * use only `tx` (build repos from it); await nothing but database calls there (sign, hash and send
   * before or after), because SQLite holds its write lock and other work on the database waits.
   * Called on a `tx`, it is a savepoint: its rollback undoes only its own writes.
   */
  transaction<T>(work: (tx: Db) => Promise<T>): Promise<T>
  /** `factory(this)`, built once per Db and then reused: the way to get a repo inside a hot transaction. */
  use<T>(factory: (db: Db) => T): T
}

/** The database an app runs on: a Db plus what only the whole database has. */
export interface Database extends Db {
  /** Resolves once the connection is open and migrated (SQLite: already); rejects with why not. */
  readonly ready: Promise<void>
  /**
   * Batches write transactions (SQLite: the jobs that arrive in one turn of the event loop share one
   * IMMEDIATE transaction and one commit, each in its own savepoint; PostgreSQL: one transaction per job,
   * the server's group commit does the rest). Each caller gets its own result or error.
   */
  groupCommit<A extends unknown[], R>(work: (tx: Db, ...args: A) => Promise<R>): (...args: A) => Promise<R>
  /** Bytes the data takes (SQLite: the main file, pages in use and free, without the WAL; PostgreSQL: the database). */
  sizeBytes(): Promise<number>
  /** A trivial round trip, for health checks. */
  ping(): Promise<void>
  /** Finishes pending work and closes; `optimize` (SQLite) lets it refresh planner statistics first. */
  close(opts?: { optimize?: boolean }): Promise<void>
  /** Where the data lives, for messages (PostgreSQL: the URL without its password). */
  readonly location: string
}

/** `factory(db)` from `cache`, built on first use: the body of every engine's Db.use. */
export function built<T>(cache: Map<unknown, unknown>, factory: (db: Db) => T, db: Db): T {
  let v = cache.get(factory) as T | undefined
  if (v === undefined) {
    v = factory(db)
    cache.set(factory, v)
  }
  return v
}

/** The database was written by a newer authkit; we refuse to touch it. */
export class NewerDatabaseError extends Error {
  constructor(where: string, found: number, known: number) {
    super(
      `authkit: ${where} has schema version ${found}, but this authkit knows only up to ${known}; ` +
        'it was written by a newer authkit. Run that version (or restore a backup); the database was not changed.',
    )
    this.name = 'NewerDatabaseError'
  }
}

/**
 * Whether `e` is a UNIQUE violation of `table.column`, on either engine (SQLite: SQLITE_CONSTRAINT_UNIQUE
 * naming `table.column`; PostgreSQL: SQLSTATE 23505 with `Key (column)=` in its detail).
 */
export function isUniqueViolation(e: unknown, table: string, column: string): boolean {
  const err = e as { code?: string; errno?: string; message?: string; detail?: string; table?: string }
  if (err?.code === 'SQLITE_CONSTRAINT_UNIQUE') return err.message?.includes(`${table}.${column}`) ?? false
  if (err?.errno === '23505') return (err.detail?.includes(`(${column})`) ?? false) && (!err.table || err.table === table)
  return false
}
