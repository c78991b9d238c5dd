// GET /metrics (Prometheus text format, with METRICS_ENABLED; METRICS_TOKEN as bearer when set) and the
// timing of every request, labelled with the matched route's template. Without metrics nothing here is
// installed: the request path pays nothing.
import { type AnyElysia, Elysia } from 'elysia'
import type { Config } from '../config/settings.ts'
import { safeEqual } from '../lib/crypto.ts'
import { notAuthenticated } from '../lib/errors.ts'
import { type Metrics, UNMATCHED_ROUTE } from '../lib/metrics.ts'

export interface HttpMetrics {
  /** Installed before every other plugin: its error hook must run before the one that answers. */
  readonly hooks: AnyElysia
  /** GET /metrics, installed after the HTTP conventions so its 401 gets their shape. */
  readonly routes: AnyElysia
  /** Wraps the app's `handle` to time each request and count its final status. */
  instrument<App extends { handle(request: Request): Promise<Response> }>(app: App): void
}

const PATH = '/metrics'

export function httpMetrics(deps: { config: Config; metrics?: Metrics }): HttpMetrics | null {
  const { config, metrics } = deps
  if (!metrics) return null
  // The route template Elysia matched (it hands it to hooks); a request no route matched has none.
  const matched = new WeakMap<Request, string>()
  const remember = ({ request, route }: { request: Request; route?: string }) => {
    if (route) matched.set(request, route)
  }
  const challenge = 'Bearer realm="metrics"'
  const hooks = new Elysia({ name: 'authkit-metrics-hooks' })
    .onTransform({ as: 'global' }, remember) // every request whose body parsed
    .onError({ as: 'global' }, remember) // and those whose parsing failed; returns nothing, so the answer is made later
  const routes = new Elysia({ name: 'authkit-metrics' }).get(
    PATH,
    async ({ request }) => {
      if (config.metricsToken) {
        const header = request.headers.get('authorization') ?? ''
        const token = /^bearer\s+/i.test(header) ? header.replace(/^bearer\s+/i, '').trim() : ''
        if (!safeEqual(token, config.metricsToken)) throw notAuthenticated(challenge)
      }
      return new Response(await metrics.registry.metrics(), {
        headers: { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' },
      })
    },
    { detail: { hide: true } },
  )
  return {
    hooks,
    routes,
    instrument(app) {
      const handle = app.handle.bind(app)
      app.handle = async (request: Request) => {
        const start = performance.now()
        const response = await handle(request)
        metrics.request(request.method, matched.get(request) ?? UNMATCHED_ROUTE, response.status, (performance.now() - start) / 1000)
        return response
      }
    },
  }
}
