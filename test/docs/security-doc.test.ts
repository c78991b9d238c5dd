// docs/SECURITY.md maps every ASVS requirement to a test by file and name: those tests must exist.
import { expect, it } from 'bun:test'
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dir, '../..')

it('every test docs/SECURITY.md names exists, in the file it names', () => {
  const doc = readFileSync(join(root, 'docs/SECURITY.md'), 'utf8')
  const missing: string[] = []
  let named = 0
  for (const line of doc.split('\n').filter((l) => l.startsWith('|'))) {
    const parts = line.split(/`(test\/[^`]+\.test\.ts)`/)
    for (let i = 1; i < parts.length; i += 2) {
      const file = parts[i]!
      if (!existsSync(join(root, file))) {
        missing.push(file)
        continue
      }
      const source = readFileSync(join(root, file), 'utf8')
      // Names built in a loop (`refuses ${what} ...`) match as patterns.
      const templates = [...source.matchAll(/`([^`]*\$\{[^`]*)`/g)].map(
        ([, t]) => new RegExp(`^${t!.split(/\$\{[^}]*\}/).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.+')}$`),
      )
      const has = (part: string) => source.includes(part) || templates.some((t) => t.test(part))
      // "describe › test": each part is a string literal in the file, or matches a template.
      for (const [, ref] of parts[i + 1]!.matchAll(/"([^"]+ › [^"]+)"/g)) {
        named++
        for (const part of ref!.split(' › ')) if (!has(part)) missing.push(`${file}: ${part}`)
      }
    }
  }
  expect(missing).toEqual([])
  expect(named).toBeGreaterThan(40)
})
