// copyDatabase (src/db/copy.ts) through the storage interface: from a SQLite file into the test database
// (PostgreSQL under `./scripts/test --postgres`, else SQLite) and back, every table, refusals unchanged.
import { afterEach, describe, expect, it } from 'bun:test'
import { CopyRefused, copyDatabase } from '../../src/db/copy.ts'
import type { Database } from '../../src/db/engine.ts'
import { MIGRATIONS } from '../../src/db/migrations/index.ts'
import { openDatabase } from '../../src/db/open.ts'
import { openSqlite } from '../../src/db/sqlite.ts'
import { execute, selectAll, selectOne, testDatabase } from '../helpers/db.ts'

const opened: Database[] = []
const track = <T extends Database>(db: T) => (opened.push(db), db)
afterEach(async () => {
  for (const db of opened.splice(0)) await db.close()
})

async function populated(): Promise<Database> {
  const db = track(openDatabase(':memory:'))
  for (const [id, name] of [[1, 'ada'], [2, 'bob'], [7, 'cy']] as const) {
    await execute(db, `INSERT INTO users (id, username, email, password_hash, date_joined) VALUES ($id, $name, $email, 'h', 1000)`, {
      id,
      name,
      email: `${name}@example.com`,
    })
  }
  await execute(db, `INSERT INTO outbox (recipient, subject, text_body, kind, created_at, next_attempt_at) VALUES ('ada@example.com', 's', 't', 'verify', 5, 5)`)
  return db
}

const count = async (db: Database, table: string) => Number((await selectOne<{ n: number }>(db, `SELECT count(*) AS n FROM ${table}`))!.n)

describe('copyDatabase', () => {
  it('copies every table and keeps ids; new rows in the target get ids past the copied ones', async () => {
    const source = await populated()
    const target = track(testDatabase())
    const report = await copyDatabase(source, target)
    expect(report.tables.users).toBe(3)
    expect(report.tables.outbox).toBe(1)
    expect(Object.keys(report.tables)).toContain('refresh_tokens')
    expect(Object.keys(report.tables)).not.toContain('schema_migrations')
    expect(await selectAll(target, 'SELECT id, username FROM users ORDER BY id')).toEqual([
      { id: 1, username: 'ada' },
      { id: 2, username: 'bob' },
      { id: 7, username: 'cy' },
    ])
    const next = await selectOne<{ id: number }>(
      target,
      `INSERT INTO users (username, email, password_hash, date_joined) VALUES ('dee', 'dee@example.com', 'h', 1) RETURNING id`,
    )
    expect(next!.id).toBe(8)
  })

  it('copies tables of several pages every row once, by integer and by text key, in both directions', async () => {
    const source = track(openDatabase(':memory:'))
    for (let id = 1; id <= 450; id++) {
      await execute(source, `INSERT INTO users (id, username, email, password_hash, date_joined) VALUES ($id, $name, $email, 'h', 1)`, {
        id: id * 3, // gaps, as deletions leave them
        name: `u${id}`,
        email: `u${id}@example.com`,
      })
    }
    for (let i = 0; i < 450; i++) {
      // Text keys of mixed case and length, in no particular order.
      const id = `${i % 2 ? 'S' : 's'}${((i * 7919) % 1000).toString(36)}-${i}`
      await execute(source, `INSERT INTO sessions (id, user_id, created_at, last_used_at, expires_at) VALUES ($id, 3, 1, 1, 2)`, { id })
    }
    const target = track(testDatabase())
    const report = await copyDatabase(source, target)
    expect([report.tables.users, report.tables.sessions]).toEqual([450, 450])
    const ids = (db: Database, table: string) => selectAll<{ id: unknown }>(db, `SELECT id FROM ${table} ORDER BY id`)
    expect(await ids(target, 'users')).toEqual(await ids(source, 'users'))
    expect(new Set((await ids(target, 'sessions')).map((r) => r.id))).toEqual(new Set((await ids(source, 'sessions')).map((r) => r.id)))
    // And back, from the test database (PostgreSQL under --postgres) into an empty SQLite.
    const back = track(openDatabase(':memory:'))
    expect((await copyDatabase(target, back)).tables.sessions).toBe(450)
    expect(new Set((await ids(back, 'sessions')).map((r) => r.id))).toEqual(new Set((await ids(source, 'sessions')).map((r) => r.id)))
  })

  it('refuses a non-empty target and leaves it unchanged', async () => {
    const source = await populated()
    const target = track(testDatabase())
    await execute(target, `INSERT INTO users (username, email, password_hash, date_joined) VALUES ('zed', 'zed@example.com', 'h', 1)`)
    await expect(copyDatabase(source, target)).rejects.toThrow(/the target is not empty: users \(1\)/)
    expect(await selectAll(target, 'SELECT username FROM users')).toEqual([{ username: 'zed' }])
    expect(await count(target, 'outbox')).toBe(0)
  })

  it('refuses databases at different schema versions', async () => {
    const source = track(openSqlite(':memory:', { migrations: MIGRATIONS.sqlite.slice(0, -1) }))
    const target = track(testDatabase())
    const err = await copyDatabase(source, target).catch((e) => e)
    expect(err).toBeInstanceOf(CopyRefused)
    expect(String(err.message)).toContain('schema versions differ')
  })
})
