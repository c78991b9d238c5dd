// Messages in the answer's language. Catalogues are keyed by the English text; a message that is not in
// the catalogue stays English. Errors arrive already formatted ("... at least 8 characters."), so the
// keys with placeholders are also matched as patterns and their values carried over.
import { CATALOGUES } from './catalogues/index.ts'
import { MESSAGES } from './messages.ts'
import type { Lang } from './negotiate.ts'

export type Vars = Readonly<Record<string, string | number>>

const PLACEHOLDER = /\{(\w+)\}/g

/** `template` with each `{name}` replaced by `vars.name` (unknown names are left as they are). */
export const fill = (template: string, vars: Vars = {}): string =>
  template.replace(PLACEHOLDER, (whole, name: string) => (name in vars ? String(vars[name]) : whole))

/** The templated English keys as regexes, built once: a formatted message -> its key and values. */
const PATTERNS = MESSAGES.filter((m) => m.includes('{')).map((key) => {
  const names: string[] = []
  const source = key
    .split(PLACEHOLDER)
    .map((part, i) => (i % 2 === 1 ? (names.push(part), '(.+?)') : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('')
  return { key, names, re: new RegExp(`^${source}$`) }
})

/** `template` (a catalogue key) in `lang`, with `vars` filled in. */
export function t(lang: Lang | string, template: string, vars?: Vars): string {
  const catalogue = CATALOGUES[lang]
  return fill((catalogue && (catalogue as Record<string, string>)[template]) ?? template, vars)
}

/** A finished English message in `lang`: a key as is, or a templated key with its values (themselves translated). */
export function translate(lang: Lang | string, message: string): string {
  const catalogue = CATALOGUES[lang] as Record<string, string> | undefined
  if (!catalogue) return message
  const exact = catalogue[message]
  if (exact !== undefined) return exact
  for (const p of PATTERNS) {
    const m = p.re.exec(message)
    if (!m) continue
    const vars: Record<string, string> = {}
    p.names.forEach((name, i) => (vars[name] = catalogue[m[i + 1]!] ?? m[i + 1]!))
    return fill(catalogue[p.key] ?? p.key, vars)
  }
  return message
}

/** Field errors (`{"field": ["msg"]}`) in `lang`; keys never change. */
export function translateFields(lang: Lang | string, fields: Record<string, string[]>): Record<string, string[]> {
  if (!CATALOGUES[lang]) return fields
  const out: Record<string, string[]> = {}
  for (const [field, messages] of Object.entries(fields)) {
    out[field] = Array.isArray(messages) ? messages.map((m) => (typeof m === 'string' ? translate(lang, m) : m)) : messages
  }
  return out
}

/** "3 days", "1 hour" in `lang` for the sentences that say how long a link stays valid. */
export function duration(lang: Lang | string, seconds: number): string {
  for (const [size, unit] of [
    [86400, 'day'],
    [3600, 'hour'],
    [60, 'minute'],
  ] as const) {
    if (seconds >= size && seconds % size === 0) return new Intl.NumberFormat(lang, { style: 'unit', unit, unitDisplay: 'long' }).format(seconds / size)
  }
  return new Intl.NumberFormat(lang, { style: 'unit', unit: 'second', unitDisplay: 'long' }).format(seconds)
}

// The testing UI's views are plain functions rendered synchronously, many levels deep; rather than pass a
// language through each of them, the route renders inside `renderIn` and a view asks `ui(...)`.
let renderLang: string = 'en'

/** Runs the synchronous `render` with `lang` as the language `ui` answers in. */
export function renderIn<T>(lang: string, render: () => T): T {
  const outer = renderLang
  renderLang = lang
  try {
    return render()
  } finally {
    renderLang = outer
  }
}

/** The language `renderIn` set ('en' outside it). */
export const renderingLang = (): string => renderLang

/** A UI text in the language being rendered. */
export const ui = (english: string, vars?: Vars): string => t(renderLang, english, vars)
