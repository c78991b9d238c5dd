// SQL behind the metrics read at scrape time: the outbox's backlog and failures, the database's size.
import { type Database, sql } from '../db/engine.ts'

const outbox = sql<{ backlog: number; failing: number }>(
  `SELECT count(*) AS backlog, coalesce(sum(CASE WHEN last_error IS NOT NULL THEN 1 ELSE 0 END), 0) AS failing
   FROM outbox WHERE sent_at IS NULL`,
)

export function createMetricsRepo(db: Database) {
  return {
    /** Unsent messages, and how many of them have failed at least once. */
    outbox: async () => (await db.get(outbox, {}))!,
    /** Bytes the database takes (SQLite: the main file without its WAL; PostgreSQL: the database). */
    databaseBytes: () => db.sizeBytes(),
  }
}
