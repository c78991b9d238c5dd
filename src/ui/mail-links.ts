// Links in an outbox message, and what the UI can do with them: a verification key or a reset uid/token
// found in a link's query lets the UI finish that flow with the real API.
import type { MailLink } from '../../views/ui/mailbox.tsx'

const URL_IN_TEXT = /https?:\/\/[^\s<>"'`]+/g

/** Every http(s) link of the text body, in order, without duplicates or trailing punctuation. */
export function findLinks(text: string): string[] {
  const found = (text.match(URL_IN_TEXT) ?? []).map((u) => u.replace(/[.,;:!?)\]]+$/, ''))
  return [...new Set(found)]
}

export interface Origins {
  /** Served by this server: the request's own, PUBLIC_URL's. */
  readonly local: readonly string[]
  /** FRONTEND_BASE_URL's, when set. */
  readonly frontend: string | null
}

export function describeLink(href: string, origins: Origins): MailLink {
  let url: URL
  try {
    url = new URL(href)
  } catch {
    return { href, where: 'elsewhere' }
  }
  const where = origins.local.includes(url.origin) ? 'here' : url.origin === origins.frontend ? 'frontend' : 'elsewhere'
  const q = url.searchParams
  const key = q.get('key')
  const uid = q.get('uid')
  const token = q.get('token')
  if (key) return { href, where, action: { kind: 'verify', key } }
  if (uid && token) return { href, where, action: { kind: 'reset', uid, token } }
  return { href, where }
}

/**
 * The HTML body as the mailbox frames it: its links open a new tab, as in a mail client (the pages they
 * lead to refuse to be framed). `<base>` goes into <head> so a doctype keeps the page in standards mode.
 */
export function linksInNewTab(html: string): string {
  const base = '<base target="_blank">'
  const head = /<head(\s[^>]*)?>/i.exec(html)
  if (head) return html.slice(0, head.index + head[0].length) + base + html.slice(head.index + head[0].length)
  return base + html
}
