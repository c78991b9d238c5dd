// Hot statements stay index seeks as data grows: their cost must not scale with a session's history.
import { describe, expect, it } from 'bun:test'
import { openSqlite } from '../../src/db/sqlite.ts'

const plan = (db: ReturnType<typeof openSqlite>, sql: string) =>
  db.connection
    .query<{ detail: string }, []>(`EXPLAIN QUERY PLAN ${sql}`)
    .all()
    .map((r) => r.detail)
    .join('; ')

describe('query plans (SQLite)', () => {
  it('pruning expired refresh tokens seeks by session and expiry, not through all of the session’s rows', () => {
    const db = openSqlite(':memory:')
    // The statement of refresh.repo.ts pruneExpired, run on every refresh.
    expect(plan(db, "DELETE FROM refresh_tokens WHERE session_id = 's' AND expires_at < 1")).toContain(
      'USING INDEX refresh_tokens_session_expiry (session_id=? AND expires_at<?)',
    )
  })
})
