// The PostgreSQL engine's migrations (src/db/postgres.ts): numbered, under an advisory lock, refusing a
// database from a newer authkit. Runs with `./scripts/test --postgres`; skipped on SQLite.
import { describe, expect, it } from 'bun:test'
import { NewerDatabaseError } from '../../src/db/engine.ts'
import { MIGRATIONS } from '../../src/db/migrations/index.ts'
import { openPostgres } from '../../src/db/postgres.ts'
import { ManualClock } from '../../src/lib/clock.ts'
import { onPostgres, selectAll, selectOne, TEST_DATABASE_URL } from '../helpers/db.ts'

const known = MIGRATIONS.postgres.length
let schemas = 0
const freshSchema = () => `mig_${process.pid}_${++schemas}_${Date.now().toString(36)}`
const open = (schema: string, opts: Parameters<typeof openPostgres>[1] = {}) => openPostgres(TEST_DATABASE_URL, { schema, max: 2, idleTimeout: 1, ...opts })

describe.skipIf(!onPostgres)('PostgreSQL migrations', () => {
  it('three instances starting together migrate once, each step recorded once with its name and time', async () => {
    const schema = freshSchema()
    const clock = new ManualClock(Date.UTC(2026, 11, 3))
    const dbs = [open(schema, { clock }), open(schema, { clock }), open(schema, { clock })]
    await Promise.all(dbs.map((d) => d.ready))
    const rows = await selectAll<{ version: number; name: string; applied_at: number }>(dbs[0]!, 'SELECT * FROM schema_migrations ORDER BY version')
    expect(rows.map((r) => r.name)).toEqual(MIGRATIONS.postgres.map((m) => m.name))
    expect(rows.every((r) => r.applied_at === clock.now())).toBe(true)
    await Promise.all(dbs.map((d) => d.close()))
  })

  it('a database from a newer authkit is refused and left unchanged', async () => {
    const schema = freshSchema()
    const first = open(schema)
    await first.ready
    await selectOne(first, "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($v, 'from_the_future', 1) RETURNING version", { v: known + 1 })
    const snapshot = async () => ({
      versions: await selectAll(first, 'SELECT version, name, applied_at FROM schema_migrations ORDER BY version'),
      tables: await selectAll(first, 'SELECT table_name FROM information_schema.tables WHERE table_schema = $s ORDER BY table_name', { s: schema }),
    })
    const before = await snapshot()
    const newer = open(schema)
    let error: unknown
    await newer.ready.catch((e) => (error = e))
    expect(error).toBeInstanceOf(NewerDatabaseError)
    expect((error as Error).message).toContain(`schema version ${known + 1}`)
    await newer.close()
    expect(await snapshot()).toEqual(before)
    await first.close()
  })

  it('a migration that fails is rolled back whole and nothing is recorded', async () => {
    const schema = freshSchema()
    const broken = [...MIGRATIONS.postgres, { version: known + 1, name: '9999_broken', sql: 'CREATE TABLE half (x int); INSERT INTO nope VALUES (1);' }]
    const db = open(schema, { migrations: broken })
    await expect(db.ready).rejects.toThrow()
    await db.close()
    const again = open(schema)
    await again.ready
    expect(await selectOne(again, 'SELECT max(version) AS v FROM schema_migrations')).toEqual({ v: known })
    expect(await selectOne(again, "SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = $s AND table_name = 'half'", { s: schema })).toEqual({ n: 0 })
    await again.close()
  })

  it('e-mails and usernames are unique regardless of letter case', async () => {
    const db = open(freshSchema())
    const insert = (username: string, email: string) =>
      selectOne(db, "INSERT INTO users (username, email, password_hash, date_joined) VALUES ($u, $e, 'x', 1) RETURNING id", { u: username, e: email })
    await insert('Ann', 'ann@example.com')
    await expect(insert('ANN', 'b@example.com')).rejects.toThrow(/duplicate key/)
    await expect(insert('bob', 'ANN@example.com')).rejects.toThrow(/duplicate key/)
    await db.close()
  })
})
