// The access log: one record per request (request id, client IP, user, method, path, status, duration)
// as a text line or a JSON object (LOG_FORMAT), and the JSON form of every other log line.
// Never a query string, header value, cookie or body: they carry keys and tokens.
import type { Logger } from './logger.ts'

export interface AccessRecord {
  readonly time: string
  readonly requestId: string
  readonly ip: string
  readonly userId: number | null
  readonly method: string
  readonly path: string
  readonly status: number
  readonly durationMs: number
}

/** An incoming X-Request-Id is kept when it is short and plain (no spaces or quotes to forge log fields). */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:@+=/-]{1,128}$/

/** The request's id: the proxy's X-Request-Id when sane, else a new UUID. */
export function requestIdFor(request: Request): string {
  const given = request.headers.get('x-request-id')
  return given && SANE_REQUEST_ID.test(given) ? given : crypto.randomUUID()
}

const users = new WeakMap<Request, number>()

/** Called once a request is authenticated, so its access record names the user. */
export function noteUser(request: Request, userId: number): void {
  users.set(request, userId)
}

export const userOf = (request: Request): number | null => users.get(request) ?? null

export function accessText(r: AccessRecord): string {
  const user = r.userId === null ? '-' : String(r.userId)
  return `${r.time} ${r.ip} ${r.method} ${r.path} ${r.status} ${r.durationMs.toFixed(1)}ms user=${user} rid=${r.requestId}`
}

export function accessJson(r: AccessRecord): string {
  return JSON.stringify({
    time: r.time,
    level: 'info',
    msg: 'request',
    request_id: r.requestId,
    ip: r.ip,
    user_id: r.userId,
    method: r.method,
    path: r.path,
    status: r.status,
    duration_ms: Math.round(r.durationMs * 10) / 10,
  })
}

/** A logger writing one JSON object a line (`{"time","level","msg"}`), for log shippers. */
export function jsonLogger(write: (line: string) => void = (line) => console.log('%s', line)): Logger {
  const line = (level: string) => (msg: string) => write(JSON.stringify({ time: new Date().toISOString(), level, msg }))
  return { info: line('info'), warn: line('warn'), error: line('error') }
}
