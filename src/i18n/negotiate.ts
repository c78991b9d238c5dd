// Which language an answer is in: Accept-Language (q-values, regional fallbacks) against the languages
// authkit has catalogues for, LANGUAGE_CODE when nothing matches. Results are cached per header value.

/** The languages authkit speaks, by the tag Content-Language names. */
export const LANGUAGES = ['en', 'de', 'fr', 'es', 'pt-BR', 'it', 'nl', 'pl', 'ru', 'uk', 'tr', 'ja', 'zh-Hans', 'ko', 'vi', 'ar'] as const
export type Lang = (typeof LANGUAGES)[number]

import { CATALOGUES } from './catalogues/index.ts'

/** The languages with a catalogue (English is the source): only these are ever negotiated. */
const AVAILABLE = LANGUAGES.filter((l) => l === 'en' || l in CATALOGUES)

/** Lower-cased tag or primary subtag -> the supported language it means (pt-PT reads Brazilian Portuguese, zh-CN Simplified Chinese). */
const ALIASES: ReadonlyMap<string, Lang> = new Map<string, Lang>([
  ...AVAILABLE.map((l) => [l.toLowerCase(), l] as [string, Lang]),
  ...(
    [
      ['pt', 'pt-BR'],
      ['zh', 'zh-Hans'],
      ['zh-cn', 'zh-Hans'],
      ['zh-sg', 'zh-Hans'],
    ] as [string, Lang][]
  ).filter(([, l]) => AVAILABLE.includes(l)),
])

/** The supported language a tag names, trying it whole, then without its last subtags (de-AT -> de). */
export function supported(tag: string): Lang | undefined {
  let t = tag.trim().toLowerCase()
  for (;;) {
    const hit = ALIASES.get(t)
    if (hit) return hit
    const cut = t.lastIndexOf('-')
    if (cut <= 0) return undefined
    t = t.slice(0, cut)
  }
}

/** Whether `value` is a language LANGUAGE_CODE may name. */
export const isLang = (value: string): value is Lang => (LANGUAGES as readonly string[]).includes(value)

const cache = new Map<string, Lang>()
const CACHE_LIMIT = 1000 // headers are client-chosen: bound the cache

/** The language for an Accept-Language value: the highest-q supported range, in header order on ties; `fallback` if none. */
export function negotiate(header: string | null | undefined, fallback: Lang = 'en'): Lang {
  if (!header) return fallback
  const key = `${fallback}|${header}`
  const known = cache.get(key)
  if (known) return known
  let best: Lang = fallback
  let bestQ = 0
  for (const part of header.slice(0, 512).split(',')) {
    const [range, ...params] = part.split(';')
    const qp = params.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith('q='))
    const q = qp === undefined ? 1 : Number(qp.slice(2))
    if (!(q > bestQ) || q > 1) continue
    const lang = range!.trim() === '*' ? fallback : supported(range!)
    if (lang) {
      best = lang
      bestQ = q
    }
  }
  if (cache.size >= CACHE_LIMIT) cache.clear()
  cache.set(key, best)
  return best
}

/** The language of a request (Accept-Language, else `fallback`). */
export const requestLang = (request: Request, fallback: Lang = 'en'): Lang => negotiate(request.headers.get('accept-language'), fallback)
