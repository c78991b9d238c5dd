// A doorbell between the code that queues mail and the SMTP worker of the same database, so a new message
// goes out at once instead of at the next poll. Ringing it with no worker listening does nothing.
import type { Database } from '../db/open.ts'

const listeners = new WeakMap<Database, Set<() => void>>()

/** Call after the transaction that queued mail has committed. */
export function notifyOutbox(db: Database): void {
  for (const wake of listeners.get(db) ?? []) wake()
}

/** Registers `wake`; returns the function that unregisters it. */
export function onOutbox(db: Database, wake: () => void): () => void {
  let set = listeners.get(db)
  if (!set) listeners.set(db, (set = new Set()))
  set.add(wake)
  return () => set.delete(wake)
}
