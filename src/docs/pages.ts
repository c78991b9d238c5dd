// The Swagger UI and ReDoc pages, and the Content-Security-Policy that keeps them on this host: the
// bundles would otherwise fetch from elsewhere by themselves (ReDoc's logo, Swagger's validator badge).
import { escapeHtml } from '@kitajs/html'

export const ASSETS = '/api/docs/static'

/**
 * Only this origin, for everything. `data:` images are the icons inlined in swagger-ui.css; `blob:`
 * workers are ReDoc's search index, built in the page. Styles need the nonce: ReDoc injects <style> tags.
 */
export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ')
}


const head = (title: string, nonce: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
<style nonce="${nonce}">body { margin: 0; }</style>`

export const swaggerPage = (title: string, nonce: string) => `${head(`${title} (Swagger UI)`, nonce)}
<link rel="stylesheet" href="${ASSETS}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${ASSETS}/swagger-ui-bundle.js"></script>
<script src="${ASSETS}/swagger-boot.js"></script>
</body>
</html>
`

export const redocPage = (title: string, nonce: string) => `${head(`${title} (ReDoc)`, nonce)}
</head>
<body>
<div id="redoc"></div>
<script src="${ASSETS}/redoc.standalone.js" nonce="${nonce}"></script>
<script src="${ASSETS}/redoc-boot.js" nonce="${nonce}"></script>
</body>
</html>
`
