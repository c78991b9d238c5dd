// The items of a list setting, however given: a TOML array, a JSON array in a string, or commas.

/** The raw items (trimmed, empties dropped), or a thrown string when `raw` is none of the forms. */
export function listItems(raw: unknown, allowed: string): string[] {
  let items: unknown = raw
  if (typeof raw === 'string' && raw.trim().startsWith('[')) {
    try {
      items = JSON.parse(raw)
    } catch {
      throw `expected a JSON array like ["a", "b"] or a comma-separated list of ${allowed}`
    }
  } else if (typeof raw === 'string') items = raw.split(',')
  if (!Array.isArray(items)) throw `expected a list of ${allowed} (an array, or a comma-separated string)`
  return items
    .map((i) => {
      if (typeof i !== 'string') throw `expected a list of ${allowed}; ${JSON.stringify(i)} is not a string`
      return i.trim()
    })
    .filter(Boolean)
}
