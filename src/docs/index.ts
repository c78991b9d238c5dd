// The API documentation: GET /api/schema/ (OpenAPI 3.1 JSON, generated from the registered routes),
// /api/docs/ (Swagger UI) and /api/redoc/ (ReDoc), with every asset served from the binary.
import type { AnyElysia } from 'elysia'
import pkg from '../../package.json' with { type: 'json' }
import type { Config } from '../config/settings.ts'
import { randomToken } from '../lib/crypto.ts'
import { notFound } from '../lib/errors.ts'
import { ASSET_FILES } from './assets.ts'
import { SCHEMA_PATH } from './boot.ts'
import { type OpenApiDocument, type RouteInfo, buildDocument } from './document.ts'
import { ASSETS, contentSecurityPolicy, redocPage, swaggerPage } from './pages.ts'

const hidden = { detail: { hide: true } }

function htmlPage(render: (title: string, nonce: string) => string, title: string): Response {
  const nonce = randomToken(16)
  return new Response(render(title, nonce), {
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': contentSecurityPolicy(nonce),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      // A fresh nonce per answer: a cached page would carry a stale one.
      'cache-control': 'no-store',
    },
  })
}

/**
 * Installed on the root app with `.use(docsPlugin(deps))`: as a function plugin it sees the root's route
 * table, so routes registered after it are documented too. The document is built on first request and
 * rebuilt only if routes were added since.
 */
export const docsPlugin =
  ({ config }: { config: Config }) =>
  <App extends AnyElysia>(app: App) => {
    // API_DOCS=false: none of the routes exist, so they answer 404 like any unknown path.
    if (!config.apiDocs) return app
    let cache: { count: number; doc: OpenApiDocument } | undefined
    const document = () => {
      const routes = app.routes as readonly RouteInfo[]
      if (cache?.count !== routes.length) cache = { count: routes.length, doc: buildDocument(routes, config, pkg.version) }
      return cache.doc
    }
    const title = `${config.siteName} API`
    return app
      .get(SCHEMA_PATH, () => Response.json(document()), hidden)
      .get('/api/docs/', () => htmlPage(swaggerPage, title), hidden)
      .get('/api/redoc/', () => htmlPage(redocPage, title), hidden)
      .get(
        `${ASSETS}/:name`,
        async ({ params }) => {
          // Own keys only: `constructor` or `__proto__` must be a 404, not Object.prototype's members.
          const asset = Object.hasOwn(ASSET_FILES, params.name) ? ASSET_FILES[params.name] : undefined
          if (!asset) throw notFound()
          return new Response(await asset.body(), {
            headers: {
              'content-type': asset.type,
              'x-content-type-options': 'nosniff',
              'cache-control': 'public, max-age=3600',
            },
          })
        },
        hidden,
      )
  }
