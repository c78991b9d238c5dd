// "Did you mean": the known setting name closest to a misspelt one.

/** Edit distance (insertions, deletions, substitutions) between two short strings. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    prev = row
  }
  return prev[b.length]!
}

/** The name in `known` that `given` most likely meant (case, typos, a missing word), or null. */
export function closestName(given: string, known: Iterable<string>): string | null {
  const g = given.toUpperCase().replace(/-/g, '_')
  let best: string | null = null
  let bestScore = Number.POSITIVE_INFINITY
  for (const name of known) {
    const words = g.split('_').filter(Boolean)
    // All the given words in the name (CORS_ORIGINS -> CORS_ALLOWED_ORIGINS) counts as close.
    const contained = words.length > 1 && words.every((w) => name.split('_').includes(w))
    const score = contained ? Math.min(distance(g, name), 2) : distance(g, name)
    if (score < bestScore) {
      best = name
      bestScore = score
    }
  }
  return best !== null && bestScore <= Math.max(2, Math.floor(g.length / 4)) ? best : null
}
