// Runs work in a transaction that is always rolled back: an address with no account does the same work as
// one with an account (render the mail, write it), then undoes it, so the time of the answer does not tell
// who has an account (API.md §13; test/security/timing.test.ts measures it).
import type { Database } from '../db/open.ts'

const ROLLBACK = Symbol('rollback')

export function rolledBack(db: Database, work: () => void): void {
  try {
    db.transaction(() => {
      work()
      throw ROLLBACK
    }).immediate()
  } catch (e) {
    if (e !== ROLLBACK) throw e
  }
}
