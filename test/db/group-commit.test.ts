// Group commit on SQLite (db.groupCommit, src/db/sqlite.ts): jobs of one turn of the event loop share one
// transaction, yet each keeps its own result, error and rollback.
import { describe, expect, it } from 'bun:test'
import { Database } from 'bun:sqlite'
import { join } from 'node:path'
import { type Db, sql } from '../../src/db/engine.ts'
import { openSqlite } from '../../src/db/sqlite.ts'
import { tempDirs } from '../helpers/temp.ts'

const tempDir = tempDirs('authkit-gc-')

const insert = sql<never, { name: string; parent: number | null }>('INSERT INTO item (name, parent) VALUES ($name, $parent)')
const count = sql<{ n: number }>('SELECT count(*) AS n FROM item')

/** A WAL database file and a second connection to it, which sees only what the first has committed. */
function setup(opts: { waitLimitMs?: number } = {}) {
  const path = join(tempDir(), 'test.db')
  const db = openSqlite(path, {
    ...opts,
    migrations: [
      {
        version: 1,
        name: 'items',
        sql: `CREATE TABLE parent (id INTEGER PRIMARY KEY);
              CREATE TABLE item (name TEXT PRIMARY KEY, parent INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)`,
      },
    ],
  })
  const observer = new Database(path, { readonly: true })
  const names = () => observer.query<{ name: string }, []>('SELECT name FROM item ORDER BY name').all().map((r) => r.name)
  const add = (tx: Db, name: string, parent: number | null = null) => tx.run(insert, { name, parent })
  return { db, names, add }
}

describe('group commit', () => {
  it('commits the jobs of one turn of the event loop together, each with its own result', async () => {
    const { db, names, add } = setup()
    // Inside a job, another connection sees only what was committed before the batch began.
    const job = db.groupCommit(async (tx, name: string) => {
      await add(tx, name)
      return `${name} after [${names().join(',')}]`
    })
    const results = await Promise.all(['a', 'b', 'c'].map((n) => job(n)))
    expect(results).toEqual(['a after []', 'b after []', 'c after []'])
    expect(names()).toEqual(['a', 'b', 'c'])
  })

  it('a later turn gets a transaction of its own', async () => {
    const { db, names, add } = setup()
    const job = db.groupCommit(async (tx, name: string) => {
      await add(tx, name)
      return names().join(',')
    })
    expect(await job('a')).toBe('')
    expect(await job('b')).toBe('a')
  })

  it('a job that throws rolls back only its own writes; the others commit', async () => {
    const { db, names, add } = setup()
    const job = db.groupCommit(async (tx, name: string, fail: boolean) => {
      await add(tx, name)
      if (fail) throw new Error(`no ${name}`)
      return name
    })
    const results = await Promise.allSettled([job('a', false), job('b', true), job('c', false)])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    expect((results[1] as PromiseRejectedResult).reason.message).toBe('no b')
    expect(names()).toEqual(['a', 'c'])
  })

  it('a failed commit rejects every job of the batch and writes nothing', async () => {
    const { db, names, add } = setup()
    // The deferred foreign key is checked at COMMIT: job b makes the whole transaction fail there.
    const job = db.groupCommit((tx, name: string, parent: number | null) => Promise.resolve(add(tx, name, parent)))
    const results = await Promise.allSettled([job('a', null), job('b', 42), job('c', null)])
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected'])
    expect(String((results[0] as PromiseRejectedResult).reason)).toContain('FOREIGN KEY')
    expect(names()).toEqual([])
    // And the connection is usable again afterwards.
    expect(db.connection.inTransaction).toBe(false)
    await job('d', null)
    expect(names()).toEqual(['d'])
  })

  it('a job sees the writes of the jobs before it in the same batch', async () => {
    const { db, add } = setup()
    const job = db.groupCommit(async (tx, name: string) => {
      await add(tx, name)
      return (await tx.get(count, {}))!.n
    })
    expect(await Promise.all([job('a'), job('b'), job('c')])).toEqual([1, 2, 3])
  })

  it('work outside the transaction waits for it instead of seeing or joining its uncommitted writes', async () => {
    const { db, add } = setup()
    let seenInside = -1
    const tx = db.transaction(async (tx) => {
      await add(tx, 'a')
      await Promise.resolve()
      seenInside = (await tx.get(count, {}))!.n
      throw new Error('roll back')
    })
    // Started while the transaction is open (between its awaits): answered after the rollback.
    const outside = Promise.resolve(db.get(count, {}))
    await expect(tx).rejects.toThrow('roll back')
    expect(seenInside).toBe(1)
    expect((await outside)!.n).toBe(0)
  })

  it('transactions started in the same turn run one after the other, each committed alone', async () => {
    const { db, add } = setup()
    const seen: number[] = []
    const each = (name: string) =>
      db.transaction(async (tx) => {
        await add(tx, name)
        await Promise.resolve()
        seen.push((await tx.get(count, {}))!.n)
        if (name === 'b') throw new Error('b rolls back')
      })
    const results = await Promise.allSettled([each('a'), each('b'), each('c'), each('d')])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled'])
    expect((results[1] as PromiseRejectedResult).reason.message).toBe('b rolls back')
    expect(seen).toEqual([1, 2, 2, 3])
    expect((await db.get(count, {}))!.n).toBe(3)
  })

  it('a statement on the database inside its own transaction fails after the wait limit instead of hanging', async () => {
    const { db, add } = setup({ waitLimitMs: 50 })
    const tx = db.transaction(async (tx) => {
      await add(tx, 'a')
      return db.get(count, {}) // should have been tx.get: waits for this very transaction
    })
    await expect(tx).rejects.toThrow('inside db.transaction(), use its tx')
    expect((await db.get(count, {}))!.n).toBe(0)
  })

  it('a transaction and a group commit started in the same turn do not overlap', async () => {
    const { db, add } = setup()
    const job = db.groupCommit(async (tx, name: string) => add(tx, name))
    const results = await Promise.allSettled([db.transaction(async (tx) => add(tx, 'a')), job('b'), db.transaction(async (tx) => add(tx, 'c')), job('d')])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled'])
    expect((await db.get(count, {}))!.n).toBe(4)
  })
})
