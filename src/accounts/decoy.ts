// Runs work in a transaction that is always rolled back: an address with no account does the same work as
// one with an account (render the mail, write it), then undoes it, so the time of the answer does not tell
// who has an account (API.md §13; test/security/timing.test.ts measures it).
import type { Database, Db } from '../db/engine.ts'

const ROLLBACK = Symbol('rollback')

export async function rolledBack(db: Database, work: (tx: Db) => Promise<unknown>): Promise<void> {
  try {
    await db.transaction(async (tx) => {
      await work(tx)
      throw ROLLBACK
    })
  } catch (e) {
    if (e !== ROLLBACK) throw e
  }
}
