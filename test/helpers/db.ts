// The database a test runs on: SQLite in memory, or, when the suite runs with `./scripts/test --postgres`
// (AUTHKIT_TEST_DATABASE_URL set), a fresh schema of the test PostgreSQL, so every test app starts empty.
import { type Database, openDatabase } from '../../src/db/open.ts'
import type { Clock } from '../../src/lib/clock.ts'

/** The PostgreSQL the suite runs against, or '' for SQLite. */
export const TEST_DATABASE_URL = process.env.AUTHKIT_TEST_DATABASE_URL ?? ''
export const onPostgres = TEST_DATABASE_URL !== ''

let schemas = 0

/** A fresh, migrated database: `path` (SQLite; default in memory) or a new schema on the test PostgreSQL. */
export function testDatabase(opts: { clock?: Clock; path?: string } = {}): Database {
  if (!onPostgres) return openDatabase(opts.path ?? ':memory:', { clock: opts.clock })
  const schema = `t${process.pid}_${++schemas}_${Math.random().toString(36).slice(2, 8)}`
  // Small pools that close idle connections: a test file makes many apps, the cluster has ~400 connections.
  return openDatabase(TEST_DATABASE_URL, { clock: opts.clock, schema, max: 4, idleTimeout: 2 })
}
