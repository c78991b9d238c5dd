// Group commit (src/db/group-commit.ts): jobs of one turn of the event loop share one transaction, yet
// each keeps its own result, error and rollback.
import { describe, expect, it } from 'bun:test'
import { Database } from 'bun:sqlite'
import { join } from 'node:path'
import { groupCommit } from '../../src/db/group-commit.ts'
import { tempDirs } from '../helpers/temp.ts'

const tempDir = tempDirs('authkit-gc-')

/** A WAL database file and a second connection to it, which sees only what the first has committed. */
function setup() {
  const path = join(tempDir(), 'test.db')
  const db = new Database(path, { create: true, strict: true })
  db.exec('PRAGMA journal_mode = WAL')
  db.exec('CREATE TABLE parent (id INTEGER PRIMARY KEY)')
  db.exec('CREATE TABLE item (name TEXT PRIMARY KEY, parent INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)')
  db.exec('PRAGMA foreign_keys = ON')
  const observer = new Database(path, { readonly: true })
  const names = () => observer.query<{ name: string }, []>('SELECT name FROM item ORDER BY name').all().map((r) => r.name)
  const insert = db.query<never, { name: string; parent: number | null }>('INSERT INTO item (name, parent) VALUES ($name, $parent)')
  return { db, names, insert }
}

describe('group commit', () => {
  it('commits the jobs of one turn of the event loop together, each with its own result', async () => {
    const { db, names, insert } = setup()
    // Inside a job, another connection sees only what was committed before the batch began.
    const add = groupCommit(db, (name: string) => {
      insert.run({ name, parent: null })
      return `${name} after [${names().join(',')}]`
    })
    const results = await Promise.all(['a', 'b', 'c'].map((n) => add(n)))
    expect(results).toEqual(['a after []', 'b after []', 'c after []'])
    expect(names()).toEqual(['a', 'b', 'c'])
  })

  it('a later turn gets a transaction of its own', async () => {
    const { db, names, insert } = setup()
    const add = groupCommit(db, (name: string) => {
      insert.run({ name, parent: null })
      return names().join(',')
    })
    expect(await add('a')).toBe('')
    expect(await add('b')).toBe('a')
  })

  it('a job that throws rolls back only its own writes; the others commit', async () => {
    const { db, names, insert } = setup()
    const add = groupCommit(db, (name: string, fail: boolean) => {
      insert.run({ name, parent: null })
      if (fail) throw new Error(`no ${name}`)
      return name
    })
    const results = await Promise.allSettled([add('a', false), add('b', true), add('c', false)])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    expect((results[1] as PromiseRejectedResult).reason.message).toBe('no b')
    expect(names()).toEqual(['a', 'c'])
  })

  it('a failed commit rejects every job of the batch and writes nothing', async () => {
    const { db, names, insert } = setup()
    // The deferred foreign key is checked at COMMIT: job b makes the whole transaction fail there.
    const add = groupCommit(db, (name: string, parent: number | null) => insert.run({ name, parent }))
    const results = await Promise.allSettled([add('a', null), add('b', 42), add('c', null)])
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected'])
    expect(String((results[0] as PromiseRejectedResult).reason)).toContain('FOREIGN KEY')
    expect(names()).toEqual([])
    // And the connection is usable again afterwards.
    expect(db.inTransaction).toBe(false)
    await add('d', null)
    expect(names()).toEqual(['d'])
  })

  it('a job sees the writes of the jobs before it in the same batch', async () => {
    const { db, insert } = setup()
    const count = db.query<{ n: number }, []>('SELECT count(*) AS n FROM item')
    const addAndCount = groupCommit(db, (name: string) => {
      insert.run({ name, parent: null })
      return count.get()!.n
    })
    expect(await Promise.all([addAndCount('a'), addAndCount('b'), addAndCount('c')])).toEqual([1, 2, 3])
  })
})
