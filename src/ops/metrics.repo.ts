// SQL behind the metrics read at scrape time: the outbox's backlog and failures, the database's size.
import type { Database } from '../db/open.ts'

export function createMetricsRepo(db: Database) {
  const outbox = db.query<{ backlog: number; failing: number }, []>(
    `SELECT count(*) AS backlog, coalesce(sum(last_error IS NOT NULL), 0) AS failing FROM outbox WHERE sent_at IS NULL`,
  )
  const pages = db.query<{ page_count: number }, []>('PRAGMA page_count')
  const pageSize = db.query<{ page_size: number }, []>('PRAGMA page_size')
  return {
    /** Unsent messages, and how many of them have failed at least once. */
    outbox: () => outbox.get()!,
    /** Bytes of the main database file (pages in use and free), without the WAL. */
    databaseBytes: () => pages.get()!.page_count * pageSize.get()!.page_size,
  }
}
