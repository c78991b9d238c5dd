// Raw HTTP/1.1 over a real socket, for what fetch and app.handle cannot send: any Host value, any request line.
import { connect } from 'node:net'

export interface RawAnswer {
  status: number
  headers: Record<string, string>
  body: string
}

/** Sends `GET path` (or `method`) with exactly the given Host line (null: none) and reads the answer. */
export function rawRequest(
  port: number,
  opts: { host: string | null; path: string; method?: string; headers?: Record<string, string>; body?: string },
): Promise<RawAnswer> {
  const lines = [`${opts.method ?? 'GET'} ${opts.path} HTTP/1.1`]
  if (opts.host !== null) lines.push(`Host: ${opts.host}`)
  for (const [k, v] of Object.entries(opts.headers ?? {})) lines.push(`${k}: ${v}`)
  if (opts.body !== undefined) lines.push(`Content-Length: ${Buffer.byteLength(opts.body)}`)
  lines.push('Connection: close', '', opts.body ?? '')
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(lines.join('\r\n')))
    const chunks: Buffer[] = []
    socket.on('data', (d: Buffer) => chunks.push(d))
    socket.on('error', reject)
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      const split = text.indexOf('\r\n\r\n')
      const head = text.slice(0, split).split('\r\n')
      const headers: Record<string, string> = {}
      for (const line of head.slice(1)) {
        const i = line.indexOf(':')
        headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim()
      }
      let body = text.slice(split + 4)
      if (headers['transfer-encoding'] === 'chunked') body = unchunk(body)
      resolve({ status: Number(head[0]!.split(' ')[1]), headers, body })
    })
  })
}

function unchunk(s: string): string {
  let out = ''
  let i = 0
  while (i < s.length) {
    const eol = s.indexOf('\r\n', i)
    const size = Number.parseInt(s.slice(i, eol), 16)
    if (!size) break
    out += s.slice(eol + 2, eol + 2 + size)
    i = eol + 2 + size + 2
  }
  return out
}
