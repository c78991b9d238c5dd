// Where the browser flow may send the user back to: never an open redirect.
import type { Config } from '../config/settings.ts'

/**
 * `next` as an absolute URL when its origin is authkit's own (`own`), FRONTEND_BASE_URL's or in
 * SOCIAL_ALLOWED_REDIRECT_ORIGINS; `own` + '/' when absent; null when it points anywhere else.
 * Parsing against `own` is what a browser does with a Location header, so `//evil.example`,
 * `/\evil.example` and `https:evil.example` all resolve to their real (foreign) origin and are refused.
 */
export function safeNext(next: string | undefined, own: string, config: Pick<Config, 'frontendBaseUrl' | 'socialAllowedRedirectOrigins'>): string | null {
  if (next === undefined || next === '') return `${own}/`
  let url: URL
  try {
    url = new URL(next, `${own}/`)
  } catch {
    return null
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null
  if (url.username || url.password) return null
  const allowed = [own, ...(config.frontendBaseUrl ? [new URL(config.frontendBaseUrl).origin] : []), ...config.socialAllowedRedirectOrigins]
  return allowed.includes(url.origin) ? url.href : null
}
