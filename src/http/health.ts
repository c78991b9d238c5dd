// GET /healthz: 200 when the database answers, 503 otherwise (for load balancers and the CI smoke test).
import { Elysia } from 'elysia'
import type { Database } from '../db/engine.ts'

export const healthRoutes = ({ db }: { db: Database }) => {
  return new Elysia({ name: 'health' }).get(
    '/healthz',
    async ({ set }) => {
      try {
        await db.ping()
        return { status: 'ok' }
      } catch {
        set.status = 503
        return { status: 'unavailable' }
      }
    },
    { detail: { hide: true } },
  )
}
