// ALLOWED_HOSTS (API.md §13): a request whose Host is not listed is refused with 400 bad_host before
// anything else runs, so a forged Host never reaches a link in an e-mail. Django's rules: the port is
// ignored, `.example.com` matches the domain and its subdomains, `*` matches any well-formed host.
import { Elysia } from 'elysia'
import { allowedHosts } from '../config/allowed-hosts.ts'
import { ErrorCode } from '../lib/error-codes.ts'
import { errorBody } from './conventions.ts'

/** Django's host_validation_re: a DNS-like name or a bracketed IPv6 literal, then an optional port. */
const HOST_RE = /^([a-z0-9.-]+|\[[a-f0-9]*:[a-f0-9.:]+\])(:[0-9]+)?$/

/** The domain of a Host value (lower case, port and a trailing dot removed); '' when it is malformed. */
export function hostDomain(host: string): string {
  const m = HOST_RE.exec(host.toLowerCase())
  if (!m) return ''
  const domain = m[1]!
  return domain.endsWith('.') ? domain.slice(0, -1) : domain
}

/** Django's is_same_domain: an exact match, or a `.example.com` pattern matching it or any subdomain. */
function matches(domain: string, pattern: string): boolean {
  const p = pattern.toLowerCase()
  if (p === '*') return true
  if (p.startsWith('.')) return domain === p.slice(1) || domain.endsWith(p)
  return domain === p
}

/** Whether `host` (a Host header: name[:port]) is well formed and allowed by `patterns`. */
export function hostAllowed(host: string, patterns: readonly string[]): boolean {
  const domain = hostDomain(host)
  // A name the URL parser refuses (`xn--`) would make request.url unusable further on, even under `*`.
  return domain !== '' && patterns.some((p) => matches(domain, p)) && URL.canParse(`http://${host}/`)
}

/** The Host a request came with; a Request built in code (tests, sub-requests) has none, so its URL's. */
function hostOf(request: Request): string {
  const header = request.headers.get('host')
  if (header !== null) return header
  const url = request.url
  if (!url.startsWith('http://')) return ''
  const end = url.indexOf('/', 7)
  return url.slice(7, end === -1 ? undefined : end)
}

const SHOWN_MAX = 100
/** Verdicts kept per Host value; past this many distinct values (a scan) the cache starts over. */
const CACHE_MAX = 1000

/** Django's message; answered from the hook directly, before the app has parsed anything. */
const badHost = (host: string): Response =>
  Response.json(errorBody(`Invalid HTTP_HOST header: '${host.slice(0, SHOWN_MAX)}'.`, ErrorCode.bad_host), { status: 400 })

/** The first hook of the app: answers 400 bad_host for a Host outside ALLOWED_HOSTS. */
export function hostGuard(config: { allowedHosts: readonly string[]; publicUrl: string | null }) {
  const patterns = allowedHosts(config)
  // One Map lookup per request: the same few Host values arrive over and over.
  const verdicts = new Map<string, boolean>()
  return new Elysia({ name: 'authkit-hosts', seed: patterns.join(' ') }).onRequest(({ request }) => {
    const host = hostOf(request)
    let ok = verdicts.get(host)
    if (ok === undefined) {
      if (verdicts.size >= CACHE_MAX) verdicts.clear()
      ok = hostAllowed(host, patterns)
      verdicts.set(host, ok)
    }
    if (!ok) return badHost(host)
  })
}
