// Forward auth (API.md §12), framework-free: the original request a reverse proxy asks about, rebuilt
// from its X-Forwarded-* headers, and where a browser without a session is sent to log in.

/** The request the proxy is deciding on: its method and (when the proxy says) its URL. */
export interface ProxiedRequest {
  readonly method: string
  readonly url: URL | null
}

const first = (value: string | null) => value?.split(',')[0]?.trim() || undefined
const HOST = /^[a-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-f:.]+\](:\d{1,5})?$/i

/**
 * Method from `X-Forwarded-Method` (Traefik and Caddy send it; the README's nginx snippet sets it), else the
 * auth request's own. URL from `X-Forwarded-Proto`/`-Host` and `X-Forwarded-Uri` (nginx: `X-Original-URI`);
 * null when any part is missing or malformed, so a made-up header can never produce a foreign-looking URL.
 */
export function proxiedRequest(headers: Headers, ownMethod: string): ProxiedRequest {
  // An unknown method stays what it is (upper-cased): CSRF treats everything but GET/HEAD/OPTIONS/TRACE as unsafe.
  const method = first(headers.get('x-forwarded-method'))?.toUpperCase().slice(0, 20) ?? ownMethod
  const proto = first(headers.get('x-forwarded-proto'))?.toLowerCase()
  const host = first(headers.get('x-forwarded-host'))
  const uri = headers.get('x-forwarded-uri') ?? headers.get('x-original-uri') ?? '/'
  if ((proto !== 'http' && proto !== 'https') || !host || !HOST.test(host)) return { method, url: null }
  // A path, not `//evil.example/` or `/\evil.example/` (both would change the host once parsed).
  if (!uri.startsWith('/') || uri.startsWith('//') || uri.startsWith('/\\')) return { method, url: null }
  try {
    const url = new URL(`${proto}://${host}${uri}`)
    return { method, url: url.host === host.toLowerCase() ? url : null }
  } catch {
    return { method, url: null }
  }
}

/** Origins a login may send the browser back to: PUBLIC_URL's, FRONTEND_BASE_URL's and the trusted lists. */
export function returnOrigins(c: {
  publicUrl: string | null
  frontendBaseUrl: string | null
  corsAllowedOrigins: readonly string[]
  csrfTrustedOrigins: readonly string[]
}): ReadonlySet<string> {
  const origins = new Set([...c.corsAllowedOrigins, ...c.csrfTrustedOrigins])
  for (const u of [c.publicUrl, c.frontendBaseUrl]) if (u) origins.add(new URL(u).origin)
  return origins
}

/** True when the proxied request comes from a browser asking for a page (its Accept names HTML). */
export const wantsHtml = (headers: Headers) => /\btext\/html\b|\bapplication\/xhtml\+xml\b/i.test(headers.get('accept') ?? '')

/**
 * FORWARD_AUTH_LOGIN_URL with `next=` the original URL when its origin is one we may send a browser to;
 * otherwise the login URL alone (never an open redirect through a forged `X-Forwarded-Host`).
 */
export function loginRedirect(loginUrl: string, original: URL | null, allowed: ReadonlySet<string>): string {
  const target = new URL(loginUrl)
  if (original && allowed.has(original.origin)) target.searchParams.set('next', original.href)
  return target.href
}
