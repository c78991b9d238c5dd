// The database a test runs on: SQLite in memory, or, when the suite runs with `./scripts/test --postgres`
// (TEST_POSTGRES_URL set), a fresh schema of the test PostgreSQL, so every test app starts empty.
import { createHash } from 'node:crypto'
import { type Db, type Params, type Statement, sql } from '../../src/db/engine.ts'
import { type Database, openDatabase } from '../../src/db/open.ts'
import type { Clock } from '../../src/lib/clock.ts'

/** The PostgreSQL the suite runs against, or '' for SQLite. */
export const TEST_DATABASE_URL = process.env.TEST_POSTGRES_URL ?? ''
export const onPostgres = TEST_DATABASE_URL !== ''

let schemas = 0

/**
 * A migrated database: on SQLite the file `path` (default: a fresh one in memory); on the test PostgreSQL a
 * fresh schema, or, given `path`, the schema named after it, so two calls with one path share a database
 * like two processes on one file.
 */
export function testDatabase(opts: { clock?: Clock; path?: string } = {}): Database {
  if (!onPostgres) return openDatabase(opts.path ?? ':memory:', { clock: opts.clock })
  const schema = opts.path
    ? `p${createHash('sha256').update(opts.path).digest('hex').slice(0, 24)}`
    : `t${process.pid}_${++schemas}_${Math.random().toString(36).slice(2, 8)}`
  // Small pools that close idle connections: a test file makes many apps, the cluster has ~400 connections.
  return openDatabase(TEST_DATABASE_URL, { clock: opts.clock, schema, max: 2, idleTimeout: 1 })
}

const statements = new Map<string, Statement<Record<string, unknown>, Params>>()
const stmt = <R>(text: string) => {
  let s = statements.get(text)
  if (!s) statements.set(text, (s = sql<Record<string, unknown>, Params>(text)))
  return s as unknown as Statement<R, Params>
}

/** Test-only SQL through the storage interface (portable SQL, `$name` parameters), on either engine. */
export const selectAll = async <R = Record<string, unknown>>(db: Db, text: string, params: Params = {}): Promise<R[]> => db.all(stmt<R>(text), params)
export const selectOne = async <R = Record<string, unknown>>(db: Db, text: string, params: Params = {}): Promise<R | null> => db.get(stmt<R>(text), params)
export const execute = async (db: Db, text: string, params: Params = {}): Promise<number> => db.run(stmt(text), params)
