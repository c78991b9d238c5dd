// Content negotiation by Accept: does a GET come from a browser (HTML) or an API client (JSON)?

/** q-value of the most specific range in `accept` that covers `type` (RFC 9110 §12.5.1). */
function quality(accept: string, type: string): number {
  const [major] = type.split('/')
  let best = -1
  let q = 0
  for (const part of accept.split(',')) {
    const [range, ...params] = part.trim().toLowerCase().split(';')
    const specificity = range === type ? 3 : range === `${major}/*` ? 2 : range === '*/*' ? 1 : 0
    if (specificity === 0 || specificity <= best) continue
    best = specificity
    const qp = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
    q = qp ? Number(qp.slice(2)) || 0 : 1
  }
  return q
}

/** A browser navigation (HTML ranked above JSON), not an API client and not an htmx call. */
export function prefersHtml(request: Request): boolean {
  if (request.method !== 'GET' || request.headers.has('hx-request')) return false
  const accept = request.headers.get('accept')
  if (!accept) return false
  const html = quality(accept, 'text/html')
  return html > 0 && html > quality(accept, 'application/json')
}
