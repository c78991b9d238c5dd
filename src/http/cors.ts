// CORS for frontends on other origins (API.md §1): listed origins get credentialed CORS headers and
// preflight answers; any other origin gets none, so the browser keeps its responses from scripts.
import { Elysia } from 'elysia'

const ALLOW_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS'
const ALLOW_HEADERS = 'Authorization, Content-Type, X-CSRFToken'
/** How long a browser may reuse a preflight answer, in seconds. */
const PREFLIGHT_MAX_AGE = '600'

export const corsPlugin = (config: { corsAllowedOrigins: readonly string[] }) => {
  const allowed = new Set(config.corsAllowedOrigins)
  return new Elysia({ name: 'authkit-cors', seed: config.corsAllowedOrigins.join(' ') }).onRequest(({ request, set }) => {
    if (allowed.size === 0) return
    // Answers differ by Origin, so caches must key on it (also for the origins that get nothing).
    set.headers.vary = 'Origin'
    const origin = request.headers.get('origin')
    const preflight = request.method === 'OPTIONS' && origin !== null && request.headers.has('access-control-request-method')
    if (origin === null || !allowed.has(origin)) {
      return preflight ? new Response(null, { status: 204, headers: { vary: 'Origin' } }) : undefined
    }
    const headers = {
      'access-control-allow-origin': origin,
      'access-control-allow-credentials': 'true',
      vary: 'Origin',
    }
    if (preflight) {
      return new Response(null, {
        status: 204,
        headers: {
          ...headers,
          'access-control-allow-methods': ALLOW_METHODS,
          'access-control-allow-headers': ALLOW_HEADERS,
          'access-control-max-age': PREFLIGHT_MAX_AGE,
        },
      })
    }
    Object.assign(set.headers, headers)
  })
}
