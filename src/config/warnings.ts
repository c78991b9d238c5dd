// Start-up warnings for settings that work but that browsers or deployments will trip over.
import { allowedHosts } from './allowed-hosts.ts'
import { isCrossSite } from '../lib/sites.ts'
import type { Config } from './settings.ts'

export function settingWarnings(c: Config): string[] {
  const out: string[] = []
  if (c.authCookieSamesite === 'None' && !c.authCookieSecure)
    out.push('AUTH_COOKIE_SAMESITE=None without AUTH_COOKIE_SECURE=true: browsers reject such cookies')
  if (c.authCookiePartitioned && c.authCookieSamesite !== 'None')
    out.push('AUTH_COOKIE_PARTITIONED=true needs AUTH_COOKIE_SAMESITE=None to have any effect')
  if (c.authCookiePartitioned && !c.authCookieSecure)
    out.push('AUTH_COOKIE_PARTITIONED=true without AUTH_COOKIE_SECURE=true: browsers reject partitioned cookies that are not Secure')
  // Same-site frontends (app.example.com for auth.example.com) get Lax cookies; only other sites need None.
  const otherSites = c.corsAllowedOrigins.filter((o) => c.publicUrl === null || isCrossSite(o, c.publicUrl))
  if (otherSites.length > 0 && c.useAuthCookie && c.authCookieSamesite !== 'None')
    out.push(`CORS_ALLOWED_ORIGINS is set but AUTH_COOKIE_SAMESITE=${c.authCookieSamesite}: cross-site frontends (${otherSites.join(', ')}) will not receive the auth cookies`)
  if (!c.publicUrl && !c.debug)
    out.push(
      `PUBLIC_URL is not set: e-mailed links are built from the request's Host, and only Hosts in ALLOWED_HOSTS (${allowedHosts(c).join(', ')}) are answered; set PUBLIC_URL`,
    )
  if (c.debug && c.host !== '127.0.0.1' && c.host !== 'localhost' && c.host !== '::1')
    out.push(`DEBUG is on while listening on ${c.host}: the testing UI and its mailbox (with live reset links) are reachable from other machines`)
  // Signed values (CSRF tokens, HS256) must verify on every instance: a key generated per data directory would not.
  if (c.databaseUrl && !c.secretKey)
    out.push('DATABASE_URL is set but SECRET_KEY is not: each instance generates its own key in its data directory; give every instance on this database the same SECRET_KEY')
  return out
}
