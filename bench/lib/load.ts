// One measured load run with autocannon: a warm-up, then a bounded run at fixed connections while the
// server's memory is sampled. Every non-2xx answer, socket error and timeout counts as an error.
import type { Request, Result } from 'autocannon'
import { cpuMsOf, rssSampler, waitIdle } from './servers.ts'

export interface LoadSpec {
  /** Base URL of the server, e.g. http://127.0.0.1:1234 */
  readonly base: string
  /** The request; `setupRequest`/`onResponse` may make each one different (fresh tokens, unique names). */
  readonly request: Request
}

export interface LoadOptions {
  readonly connections: number
  readonly duration: number
  readonly warmup: number
  /** Exactly this many requests instead of `duration` seconds (then the warm-up is `warmupAmount` requests, if any). */
  readonly amount?: number
  readonly warmupAmount?: number
  /** Server process whose VmRSS is sampled during the measured run and which must be idle before it. */
  readonly pid?: number
}

export interface Measured {
  /** Successful (2xx) responses per second. */
  readonly rps: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly requests: number
  readonly errors: number
  readonly statusCodes: Record<string, number>
  /** The first unexpected answer, to make a failing run explain itself. */
  readonly firstError?: string
  readonly peakRssMb?: number
  /** CPU time the server process spent per answered request (all its threads), in µs: steadier than req/s on a busy machine. */
  readonly cpuUsPerRequest?: number
  /** How the run was made, when it is not the usual (e.g. each request with a new token). */
  readonly note?: string
}

async function once(spec: LoadSpec, connections: number, run: { duration: number } | { amount: number }, firstError: { text?: string }): Promise<Result> {
  const { default: autocannon } = await import('autocannon')
  const inner = spec.request.onResponse
  const request: Request = {
    ...spec.request,
    onResponse(status, body, context, headers) {
      if ((status < 200 || status > 299) && !firstError.text) firstError.text = `${status} ${String(body).slice(0, 200)}`
      inner?.(status, body, context, headers)
    },
  }
  // autocannon ends a run at its next sample tick (every sampleInt ms, 1 s by default), and its duration
  // counts to that tick: a run of a fixed number of requests that took 0.4 s was reported as 1 s, so its
  // req/s were capped near `amount`. Sampled every 10 ms, the duration is the run's own.
  return autocannon({ url: spec.base, connections, ...run, ...('amount' in run ? { sampleInt: 10 } : {}), timeout: 10, requests: [request] })
}

export async function measure(spec: LoadSpec, opts: LoadOptions): Promise<Measured> {
  const firstError: { text?: string } = {}
  if (opts.amount) {
    if (opts.warmupAmount) await once(spec, opts.connections, { amount: opts.warmupAmount }, {})
  } else if (opts.warmup > 0) await once(spec, opts.connections, { duration: opts.warmup }, {})
  if (opts.pid) await waitIdle(opts.pid)
  // The load generator shares the machine: its own garbage (tokens and bodies of earlier runs) is
  // collected now rather than during the measured run.
  Bun.gc(true)
  const sampler = opts.pid ? rssSampler(opts.pid) : null
  const cpuBefore = opts.pid ? cpuMsOf(opts.pid) : null
  const r = await once(spec, opts.connections, opts.amount ? { amount: opts.amount } : { duration: opts.duration }, firstError)
  const peakRssMb = sampler?.stop()
  const cpuAfter = opts.pid ? cpuMsOf(opts.pid) : null
  const cpuUsPerRequest = cpuBefore !== null && cpuAfter !== null && r['2xx'] > 0 ? ((cpuAfter - cpuBefore) * 1000) / r['2xx'] : undefined
  if (opts.pid) await waitIdle(opts.pid)
  const statusCodes: Record<string, number> = {}
  for (const [code, { count }] of Object.entries(r.statusCodeStats)) statusCodes[code] = count
  return {
    rps: r['2xx'] / r.duration,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    requests: r.requests.total,
    errors: r.non2xx + r.errors + r.timeouts,
    statusCodes,
    ...(firstError.text ? { firstError: firstError.text } : {}),
    ...(peakRssMb !== undefined ? { peakRssMb } : {}),
    ...(cpuUsPerRequest !== undefined ? { cpuUsPerRequest } : {}),
  }
}

/** One result from consecutive runs of the same load (each `seconds` long): rates and CPU per request over all of them. */
export function combineRuns(parts: readonly Measured[], note: string): Measured {
  const answered = parts.map((p) => p.rps) // equal durations: the mean rate is the overall rate
  const ok = (p: Measured) => p.rps // 2xx per second, as a weight for per-request figures
  const weight = parts.reduce((sum, p) => sum + ok(p), 0)
  const statusCodes: Record<string, number> = {}
  for (const p of parts) for (const [code, n] of Object.entries(p.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + n
  const cpu = parts.every((p) => p.cpuUsPerRequest !== undefined) && weight > 0
    ? parts.reduce((sum, p) => sum + p.cpuUsPerRequest! * ok(p), 0) / weight
    : undefined
  const peaks = parts.flatMap((p) => (p.peakRssMb === undefined ? [] : [p.peakRssMb]))
  const firstError = parts.find((p) => p.firstError)?.firstError
  return {
    rps: answered.reduce((a, b) => a + b, 0) / parts.length,
    p50Ms: parts.reduce((sum, p) => sum + p.p50Ms * ok(p), 0) / (weight || 1),
    p99Ms: Math.max(...parts.map((p) => p.p99Ms)),
    requests: parts.reduce((sum, p) => sum + p.requests, 0),
    errors: parts.reduce((sum, p) => sum + p.errors, 0),
    statusCodes,
    ...(firstError ? { firstError } : {}),
    ...(peaks.length ? { peakRssMb: Math.max(...peaks) } : {}),
    ...(cpu !== undefined ? { cpuUsPerRequest: cpu } : {}),
    note,
  }
}
