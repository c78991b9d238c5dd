// GET /healthz: 200 when the database answers, 503 otherwise (for load balancers and the CI smoke test).
import { Elysia } from 'elysia'
import type { Database } from '../db/open.ts'

export const healthRoutes = ({ db }: { db: Database }) => {
  const ping = db.query('SELECT 1 AS ok')
  return new Elysia({ name: 'health' }).get(
    '/healthz',
    ({ set }) => {
      try {
        ping.get()
        return { status: 'ok' }
      } catch {
        set.status = 503
        return { status: 'unavailable' }
      }
    },
    { detail: { hide: true } },
  )
}
