// Group commit: write transactions that arrive in the same turn of the event loop run together, each in
// its own savepoint, inside one IMMEDIATE transaction that is committed once.
//
// A commit is the expensive part of a small write (write lock, WAL frames, lock release: a dozen system
// calls), and a busy server has several refreshes ready at the same moment whose rows share pages. Each
// caller still gets its own result or error: a job that throws rolls back only its own writes. The promise
// settles after the commit, so nothing is answered before it is durable, exactly as with one transaction
// per request. An idle server runs batches of one, a turn of the event loop later.
import type { Database } from './open.ts'

type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown }

interface Job<A, R> {
  args: A
  resolve(value: R): void
  reject(error: unknown): void
}

export function groupCommit<A extends unknown[], R>(db: Database, work: (...args: A) => R): (...args: A) => Promise<R> {
  // Called inside the batch's transaction, bun:sqlite runs each job in a SAVEPOINT.
  const job = db.transaction(work)
  const batch = db.transaction((jobs: readonly Job<A, R>[]): Settled<R>[] =>
    jobs.map((j) => {
      try {
        return { ok: true, value: job(...j.args) }
      } catch (error) {
        return { ok: false, error }
      }
    }),
  )
  let queue: Job<A, R>[] = []

  const flush = () => {
    const jobs = queue
    queue = []
    let settled: Settled<R>[]
    try {
      settled = batch.immediate(jobs)
    } catch (error) {
      // BEGIN or COMMIT failed (e.g. another process held the write lock past busy_timeout): nothing was written.
      for (const j of jobs) j.reject(error)
      return
    }
    settled.forEach((s, i) => (s.ok ? jobs[i]!.resolve(s.value) : jobs[i]!.reject(s.error)))
  }

  return (...args: A) =>
    new Promise<R>((resolve, reject) => {
      queue.push({ args, resolve, reject })
      if (queue.length === 1) setImmediate(flush)
    })
}
