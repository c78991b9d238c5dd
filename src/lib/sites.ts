// Same-site or cross-site, as a browser decides whether SameSite cookies go with a request.

/** The site of a host: the last two labels of a name (an approximation of the registrable domain), an IP as is. */
function siteOf(host: string): string {
  if (/^[\d.]+$/.test(host) || host.includes(':') || host.startsWith('[')) return host
  return host.split('.').slice(-2).join('.')
}

/** True when `origin` and `url` are different sites for the browser (scheme or registrable domain differ). */
export function isCrossSite(origin: string, url: string): boolean {
  try {
    const a = new URL(origin)
    const b = new URL(url)
    return a.protocol !== b.protocol || siteOf(a.hostname) !== siteOf(b.hostname)
  } catch {
    return true
  }
}
