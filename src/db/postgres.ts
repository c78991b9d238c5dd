// The PostgreSQL engine (Bun.SQL, no extra driver): everything PostgreSQL-specific about running
// statements, transactions, integer types and migrations (under an advisory lock) lives here.
import type { SQL, SavepointSQL, TransactionSQL } from 'bun'
import type { Clock } from '../lib/clock.ts'
import { systemClock } from '../lib/clock.ts'
import { maskUrlPassword } from '../lib/url.ts'
import { type Database, type Db, NewerDatabaseError, type Params, type Statement, built } from './engine.ts'
import { MIGRATIONS, type Migration } from './migrations/index.ts'

/** `pg_advisory_lock` key of migrations: 'authkit' in ASCII. Instances starting together migrate once. */
const MIGRATION_LOCK = 0x617574686b6974n

const INT8 = 20

/** A statement in PostgreSQL's form: `$name` placeholders numbered `$1…` and the names in that order. */
interface Compiled {
  readonly text: string
  readonly names: readonly string[]
}

const compiled = new WeakMap<Statement<unknown, Params>, Compiled>()

function compile(s: Statement<unknown, Params>): Compiled {
  let c = compiled.get(s)
  if (!c) {
    const names: string[] = []
    const text = s.text.replace(/\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, name: string) => {
      let i = names.indexOf(name)
      if (i < 0) i = names.push(name) - 1
      return `$${i + 1}`
    })
    c = { text, names }
    compiled.set(s, c)
  }
  return c
}

type Client = SQL | TransactionSQL | SavepointSQL
type Result = Record<string, unknown>[] & { count: number; columns?: { name: string; type: number }[] }

/** Runs one statement. Unix-ms times and ids are BIGINT, which Bun returns as strings: they become numbers here. */
async function execute(client: Client, s: Statement<unknown, Params>, params: Params): Promise<Result> {
  const c = compile(s)
  const result = (await client.unsafe(
    c.text,
    c.names.map((n) => params[n] ?? null),
  )) as unknown as Result
  const int8 = result.columns?.filter((col) => col.type === INT8).map((col) => col.name)
  if (int8?.length) {
    for (const row of result) for (const name of int8) if (typeof row[name] === 'string') row[name] = Number(row[name])
  }
  return result
}

class PgDb implements Db {
  readonly engine = 'postgres' as const
  private readonly uses = new Map<unknown, unknown>()
  constructor(
    protected readonly client: Client,
    protected readonly opened: Promise<void> | null,
    private readonly inTx: boolean,
  ) {}

  private async exec(s: Statement<unknown, Params>, params: Params): Promise<Result> {
    if (this.opened) await this.opened
    return execute(this.client, s, params)
  }

  async get<R, P extends Params>(s: Statement<R, P>, params: P): Promise<R | null> {
    return ((await this.exec(s as Statement<unknown, Params>, params))[0] as R | undefined) ?? null
  }

  async all<R, P extends Params>(s: Statement<R, P>, params: P): Promise<R[]> {
    return [...(await this.exec(s as Statement<unknown, Params>, params))] as R[]
  }

  async run<P extends Params>(s: Statement<unknown, P>, params: P): Promise<number> {
    return (await this.exec(s as Statement<unknown, Params>, params)).count
  }

  async transaction<T>(work: (tx: Db) => Promise<T>): Promise<T> {
    if (this.opened) await this.opened
    if (this.inTx) return (await (this.client as TransactionSQL).savepoint((sp: SavepointSQL) => work(new PgDb(sp, null, true)))) as T
    return (await (this.client as SQL).begin((tx) => work(new PgDb(tx, null, true)))) as T
  }

  use<T>(factory: (db: Db) => T): T {
    return built(this.uses, factory, this)
  }
}

class PgDatabase extends PgDb implements Database {
  readonly ready: Promise<void>
  constructor(
    private readonly sql: SQL,
    ready: Promise<void>,
    readonly location: string,
  ) {
    super(sql, ready, false)
    this.ready = ready
    ready.catch(() => {}) // reported to whoever awaits `ready` or runs a statement, not as unhandled
  }

  groupCommit<A extends unknown[], R>(work: (tx: Db, ...args: A) => Promise<R>): (...args: A) => Promise<R> {
    // The server commits concurrent transactions together already (its WAL flush covers them all).
    return (...args: A) => this.transaction((tx) => work(tx, ...args))
  }

  async sizeBytes(): Promise<number> {
    await this.ready
    const [row] = (await this.sql.unsafe('SELECT pg_database_size(current_database())::float8 AS n')) as { n: number }[]
    return row?.n ?? 0
  }

  async ping(): Promise<void> {
    await this.ready
    await this.sql.unsafe('SELECT 1')
  }

  async close(): Promise<void> {
    await this.sql.close({ timeout: 5 })
  }
}

export type { PgDatabase }

export interface PostgresOptions {
  clock?: Clock
  migrations?: readonly Migration[]
  /** A schema to work in instead of `public` (created if missing): the tests give each app its own. */
  schema?: string
  /** Connections in the pool. */
  max?: number
  /** Seconds an unused connection stays open. */
  idleTimeout?: number
  /** false: connect without migrating (to look at a database before changing it). */
  migrate?: boolean
}

/** Connects to PostgreSQL at `url` and brings the schema up to date; statements wait for `ready`. */
export function openPostgres(url: string, opts: PostgresOptions = {}): PgDatabase {
  // Bun.SQL, not an import of it: importing it loads the client at start-up, on SQLite too (~5 ms of every start).
  const sql = new Bun.SQL(url, {
    max: opts.max ?? 20,
    idleTimeout: opts.idleTimeout ?? 0,
    ...(opts.schema ? { connection: { search_path: `${opts.schema},public` } } : {}),
  })
  const location = maskUrlPassword(url)
  const ready =
    opts.migrate === false
      ? sql.unsafe('SELECT 1').then(() => {})
      : migratePostgres(sql, location, opts.migrations ?? MIGRATIONS.postgres, opts.clock ?? systemClock, opts.schema).then(() => {})
  return new PgDatabase(sql, ready, location)
}

/**
 * Applies pending migrations, each in its own transaction, holding a session advisory lock so that
 * instances starting together migrate once (the others wait, then find nothing to do). A database whose
 * schema_migrations knows a newer version is refused before anything is written.
 */
export async function migratePostgres(sql: SQL, where: string, migrations: readonly Migration[], clock: Clock, schema?: string): Promise<number> {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration list is out of order at ${m.name}`)
  })
  const conn = await sql.reserve()
  try {
    await conn.unsafe(`SELECT pg_advisory_lock(${MIGRATION_LOCK})`)
    try {
      if (schema) await conn.unsafe(`CREATE SCHEMA IF NOT EXISTS "${schema.replaceAll('"', '""')}"`)
      await conn.unsafe(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`)
      const [row] = (await conn.unsafe('SELECT coalesce(max(version), 0)::int AS v FROM schema_migrations')) as { v: number }[]
      const v = row?.v ?? 0
      if (v > migrations.length) throw new NewerDatabaseError(where, v, migrations.length)
      let applied = 0
      for (const m of migrations.slice(v)) {
        await conn.unsafe('BEGIN')
        try {
          await conn.unsafe(m.sql)
          await conn.unsafe('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, clock.now()])
          await conn.unsafe('COMMIT')
        } catch (e) {
          await conn.unsafe('ROLLBACK')
          throw e
        }
        applied++
      }
      return applied
    } finally {
      await conn.unsafe(`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`)
    }
  } finally {
    await conn.release()
  }
}
