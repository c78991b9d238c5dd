// Serves the app with Bun.serve: access log, body-size cap and graceful stop.
import type { Server } from 'bun'
import { clientIp, rememberPeer } from './client-ip.ts'
import { SECURITY_HEADERS, errorBody, requestPath } from './conventions.ts'
import { ErrorCode } from '../lib/error-codes.ts'
import type { Logger } from './logger.ts'
import { type AccessRecord, accessJson, accessText, requestIdFor, userOf } from './request-log.ts'

interface Handler {
  handle(request: Request): Response | Promise<Response>
}

const SERVER_ERROR = JSON.stringify(errorBody('A server error occurred.', ErrorCode.server_error))

const serverError = () =>
  new Response(SERVER_ERROR, {
    status: 500,
    headers: { 'content-type': 'application/json', ...SECURITY_HEADERS },
  })

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
      rememberPeer(request, server)
      let response: Response
      try {
        response = await app.handle(request)
      } catch (e) {
        // Not expected (the app answers its own errors), but then still a 500 in the contract's shape and a log line.
        opts.log.error(`unhandled: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`)
        response = serverError()
      }
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
          path: requestPath(request.url), // path only: query strings carry keys and tokens (verification links)
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
      return serverError()
    },
  })
}
