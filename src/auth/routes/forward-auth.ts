// GET forward-auth/ (any method): a reverse proxy (nginx auth_request, Traefik ForwardAuth, Caddy
// forward_auth) asks whether the request it holds may pass; 200 with X-Auth-* headers, else 401/403 or
// a redirect to FORWARD_AUTH_LOGIN_URL for browsers. The README shows each proxy's configuration.
import { Elysia } from 'elysia'
import { authenticateRequest } from './macro.ts'
import { ApiError } from '../../lib/errors.ts'
import { loginRedirect, proxiedRequest, returnOrigins, wantsHtml } from '../forward-auth.ts'
import type { WithAuth } from '../services.ts'

/** Header values must be ISO-8859-1; a non-ASCII e-mail address is sent percent-encoded (RFC 3986). */
const headerValue = (v: string) => (/^[\x20-\x7e]*$/.test(v) ? v : encodeURIComponent(v))

export const forwardAuthRoutes = (deps: WithAuth) => {
  const { config } = deps
  const s = deps.auth
  const allowedReturn = returnOrigins(config)
  const trusted = [...new Set([...config.csrfTrustedOrigins, ...config.corsAllowedOrigins])]

  const handle = async ({ request, query }: { request: Request; query: Record<string, string | undefined> }) => {
    const proxied = proxiedRequest(request.headers, request.method)
    try {
      // CSRF is judged on the proxied request: nginx, Traefik and Caddy all ask with GET, the original
      // method comes in X-Forwarded-Method, and the protected site's own origin is the forwarded one.
      const own = proxied.url ? [proxied.url.origin] : []
      const { user, session } = await authenticateRequest(request, config, s, { method: proxied.method, origins: [...own, ...trusted] })
      return new Response(null, {
        status: 200,
        headers: {
          'x-auth-user-id': String(user.id),
          'x-auth-username': headerValue(user.username),
          'x-auth-email': headerValue(user.email),
          'x-auth-session': session.id,
          'cache-control': 'no-store',
        },
      })
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 401 || !config.forwardAuthLoginUrl || !wantsHtml(request.headers)) throw e
      const location = loginRedirect(config.forwardAuthLoginUrl, proxied.url, allowedReturn)
      // nginx's auth_request takes only 2xx, 401 and 403 from us: `?login_status=401` keeps the Location on a 401.
      const status = query.login_status === '401' ? 401 : 302
      return new Response(null, { status, headers: { location, 'cache-control': 'no-store', ...e.headers } })
    }
  }

  // Not in the OpenAPI document (like /healthz): it answers every method and has no body; the README's
  // "Forward auth" section documents it with each proxy's configuration.
  return new Elysia({ name: 'auth-forward-auth', seed: deps.seed }).all('/forward-auth', handle, { detail: { hide: true } })
}
