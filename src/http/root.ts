// GET /: where to go from here. A browser gets a small page (with DEBUG, links to the testing UI too);
// an API client gets JSON naming the API's root, its schema and its docs.
import { escapeHtml } from '@kitajs/html'
import { Elysia } from 'elysia'
import { prefersHtml } from './accept.ts'

export interface RootLinks {
  readonly siteName: string
  readonly version: string
  readonly debug: boolean
}

export function rootDocument({ siteName, version, debug }: RootLinks) {
  return {
    name: siteName,
    server: `authkit ${version}`,
    api: '/api/auth/',
    schema: '/api/schema/',
    docs: '/api/docs/',
    health: '/healthz',
    ...(debug ? { ui: '/api/auth/ui/' } : {}),
  }
}

function rootPage(links: RootLinks): string {
  const d = rootDocument(links)
  const item = (href: string, text: string) => `<li><a href="${href}">${text}</a></li>`
  const items = [
    ...(links.debug ? [item(d.ui ?? '', 'Testing UI: register, log in and try every endpoint in the browser')] : []),
    item(d.docs, 'API documentation (Swagger UI)'),
    item('/api/redoc/', 'API documentation (ReDoc)'),
    item(d.schema, 'OpenAPI schema (JSON), for generating clients'),
  ]
  const note = links.debug ? '' : '<p>The testing UI is off; <code>authkit --dev</code> (DEBUG) turns it on.</p>'
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(links.siteName)}</title></head><body>
<h1>${escapeHtml(links.siteName)}</h1>
<p>An authentication API (${escapeHtml(d.server)}). Its endpoints are under <code>${d.api}</code>.</p>
<ul>${items.join('')}</ul>${note}
</body></html>`
}

export const rootRoute = (links: RootLinks) =>
  new Elysia({ name: 'root' }).get(
    '/',
    ({ request }) =>
      prefersHtml(request)
        ? new Response(rootPage(links), {
            headers: {
              'content-type': 'text/html; charset=utf-8',
              'content-security-policy': "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
              'x-content-type-options': 'nosniff',
            },
          })
        : Response.json(rootDocument(links)),
    { detail: { hide: true } },
  )
