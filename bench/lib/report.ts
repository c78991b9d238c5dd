// The results: one table, the ratios that matter with their targets, and the JSON written to bench/results/.
import type { Measured } from './load.ts'

export interface Row {
  readonly id: string
  readonly label: string
  readonly server: string
  /** Measured, or why not (e.g. "unavailable (404 ...)"). */
  readonly result: Measured | { readonly unavailable: string }
}

export interface Verdict {
  readonly name: string
  readonly value: number | null
  readonly unit: string
  readonly target: string
  /** null when the inputs were unavailable. */
  readonly pass: boolean | null
  /** Shown for comparison only: not one of the targets, so never PASS or FAIL. */
  readonly info?: true
}

export const isMeasured = (r: Row['result']): r is Measured => !('unavailable' in r)

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })

function pad(cells: string[][]): string {
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)))
  return cells
    .map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : i === r.length - 1 && c.startsWith(' ') ? c : c.padStart(widths[i]!))).join('  ').trimEnd())
    .join('\n')
}

export function table(rows: readonly Row[]): string {
  const head = ['scenario', 'server', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'peak RSS MB', 'CPU µs/req', '']
  const body = rows.map((r) => {
    if (!isMeasured(r.result)) return [r.label, r.server, '-', '-', '-', '-', '-', '-', `  ${r.result.unavailable}`]
    const m = r.result
    const note = m.firstError ? `  first error: ${m.firstError.slice(0, 80)}` : m.note ? `  ${m.note}` : ''
    const cpu = m.cpuUsPerRequest === undefined ? '' : fmt(m.cpuUsPerRequest)
    return [r.label, r.server, fmt(m.rps), fmt(m.p50Ms, 1), fmt(m.p99Ms, 1), fmt(m.errors), m.peakRssMb === undefined ? '' : fmt(m.peakRssMb, 1), cpu, note]
  })
  return pad([head, ...body])
}

/** Markdown version of the same table, for the README. */
export function markdownTable(rows: readonly Row[]): string {
  const lines = ['| Scenario | Server | req/s | p50 ms | p99 ms | errors | peak RSS MB | server CPU µs/req |', '|---|---|--:|--:|--:|--:|--:|--:|']
  for (const r of rows) {
    if (!isMeasured(r.result)) lines.push(`| ${r.label} | ${r.server} | ${r.result.unavailable} | | | | | |`)
    else {
      const m = r.result
      const cpu = m.cpuUsPerRequest === undefined ? '' : fmt(m.cpuUsPerRequest)
      lines.push(`| ${r.label} | ${r.server} | ${fmt(m.rps)} | ${fmt(m.p50Ms, 1)} | ${fmt(m.p99Ms, 1)} | ${m.errors} | ${m.peakRssMb === undefined ? '' : fmt(m.peakRssMb, 1)} | ${cpu} |`)
    }
  }
  return lines.join('\n')
}

export function verdictLines(verdicts: readonly Verdict[]): string {
  return pad(
    verdicts.map((v) => [
      v.name,
      v.value === null ? 'n/a' : `${fmt(v.value, v.unit === '%' || v.unit === 'MB' || v.unit === 'ms' ? 1 : 0)} ${v.unit}`,
      v.info ? v.target : `target ${v.target}`,
      v.info ? 'info' : v.pass === null ? 'UNAVAILABLE' : v.pass ? 'PASS' : 'FAIL',
    ]),
  )
}
