// Who is at the other end of a request: the client's address and whether it came over HTTPS, believing
// X-Forwarded-* only from TRUSTED_PROXIES. serve() remembers each request's socket; the rest only ask.
import type { Server } from 'bun'

const peers = new WeakMap<Request, Server<undefined>>()

/** Called by serve() for each request: the socket it came in on, asked for the peer address only when needed (a syscall). */
export function rememberPeer(request: Request, server: Server<undefined>): void {
  peers.set(request, server)
}

const peerOf = (request: Request) => peers.get(request)?.requestIP(request)?.address ?? 'unknown'

/** The client's address: the socket peer, or X-Forwarded-For's last untrusted hop when the peer is a trusted proxy. */
export function clientIp(request: Request, trustedProxies: readonly string[] = []): string {
  const peer = peerOf(request)
  if (!trustedProxies.includes(peer)) return peer
  const hops = (request.headers.get('x-forwarded-for') ?? '').split(',').map((h) => h.trim()).filter(Boolean)
  for (let i = hops.length - 1; i >= 0; i--) if (!trustedProxies.includes(hops[i]!)) return hops[i]!
  return peer
}

/** Whether a trusted proxy says the client reached it over HTTPS (X-Forwarded-Proto; any other peer is not believed). */
export function forwardedHttps(request: Request, trustedProxies: readonly string[] = []): boolean {
  if (trustedProxies.length === 0) return false
  const proto = request.headers.get('x-forwarded-proto')
  if (proto === null) return false
  return trustedProxies.includes(peerOf(request)) && proto.split(',')[0]!.trim().toLowerCase() === 'https'
}
