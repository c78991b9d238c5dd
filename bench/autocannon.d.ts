// The part of autocannon's programmatic API the benchmark uses (the package ships no types).
declare module 'autocannon' {
  export interface RequestData {
    method?: string
    path?: string
    headers?: Record<string, string>
    body?: string
  }
  export interface Request extends RequestData {
    /** Called before each request is sent; returns the request to send. */
    setupRequest?: (req: RequestData, context: Record<string, unknown>) => RequestData
    /** Called with each response; `headers` has arrays for repeated headers such as set-cookie. */
    onResponse?: (status: number, body: string, context: Record<string, unknown>, headers: Record<string, string | string[]>) => void
  }
  export interface Options {
    url: string
    connections?: number
    duration?: number
    /** Send exactly this many requests, then stop (instead of `duration`). */
    amount?: number
    pipelining?: number
    timeout?: number
    method?: string
    headers?: Record<string, string>
    body?: string
    requests?: Request[]
  }
  interface Histogram {
    average: number
    p50: number
    p90: number
    p99: number
    max: number
    total: number
  }
  export interface Result {
    duration: number
    errors: number
    timeouts: number
    mismatches: number
    non2xx: number
    resets: number
    '2xx': number
    statusCodeStats: Record<string, { count: number }>
    latency: Histogram
    requests: Histogram & { sent: number }
  }
  export default function autocannon(opts: Options): Promise<Result>
}
