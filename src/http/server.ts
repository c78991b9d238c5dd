// Serves the app with Bun.serve: access log, client address, body-size cap and graceful stop.
import type { Server } from 'bun'
import type { Logger } from './logger.ts'
import { type AccessRecord, accessJson, accessText, pathOf, requestIdFor, userOf } from './request-log.ts'

interface Handler {
  handle(request: Request): Response | Promise<Response>
}

const peers = new WeakMap<Request, Server<undefined>>()

/** The client's address: the socket peer, or X-Forwarded-For's last untrusted hop when the peer is a trusted proxy. */
export function clientIp(request: Request, trustedProxies: readonly string[] = []): string {
  const peer = peers.get(request)?.requestIP(request)?.address ?? 'unknown'
  if (!trustedProxies.includes(peer)) return peer
  const hops = (request.headers.get('x-forwarded-for') ?? '').split(',').map((h) => h.trim()).filter(Boolean)
  for (let i = hops.length - 1; i >= 0; i--) if (!trustedProxies.includes(hops[i]!)) return hops[i]!
  return peer
}

export interface ServeOptions {
  port: number
  hostname: string
  maxBodySize: number
  accessLog: boolean
  log: Logger
  /** LOG_FORMAT: access records as text lines through `log`, or as JSON objects through `writeJson`. */
  logFormat?: 'text' | 'json'
  writeJson?: (line: string) => void
  /** Peers whose X-Forwarded-For is believed for the client IP in the access log. */
  trustedProxies?: readonly string[]
}

export function serve(app: Handler, opts: ServeOptions): Server<undefined> {
  const writeJson = opts.writeJson ?? ((line: string) => console.log('%s', line))
  return Bun.serve({
    port: opts.port,
    hostname: opts.hostname,
    // Bun's own hard cap; the app answers 413 in the contract's shape below this.
    maxRequestBodySize: opts.maxBodySize * 2,
    async fetch(request, server) {
      const start = performance.now()
      const requestId = requestIdFor(request)
      peers.set(request, server) // asked for the peer address only when needed (a syscall)
      let response = await app.handle(request)
      try {
        response.headers.set('x-request-id', requestId)
      } catch {
        response = new Response(response.body, response) // a response with immutable headers
        response.headers.set('x-request-id', requestId)
      }
      if (opts.accessLog) {
        const record: AccessRecord = {
          time: new Date().toISOString(),
          requestId,
          ip: clientIp(request, opts.trustedProxies),
          userId: userOf(request),
          method: request.method,
          path: pathOf(request.url), // path only: query strings carry keys and tokens (verification links)
          status: response.status,
          durationMs: performance.now() - start,
        }
        if (opts.logFormat === 'json') writeJson(accessJson(record))
        else opts.log.info(accessText(record))
      }
      return response
    },
    error(error) {
      opts.log.error(`unhandled: ${error.name}: ${error.message}`)
      return new Response('{"detail":"A server error occurred.","code":"server_error"}', {
        status: 500,
        headers: { 'content-type': 'application/json' },
      })
    },
  })
}
