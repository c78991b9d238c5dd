// A minimal line logger; tests pass `silentLogger`. Never hand it a body, a cookie or a token.

export interface Logger {
  info(line: string): void
  warn(line: string): void
  error(line: string): void
}

export const consoleLogger: Logger = {
  info: (line) => process.stdout.write(`${line}\n`),
  warn: (line) => process.stderr.write(`warning: ${line}\n`),
  error: (line) => process.stderr.write(`error: ${line}\n`),
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} }

/** A logger that keeps its lines, for tests that assert on what was (not) logged. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = []
  return {
    lines,
    info: (l) => lines.push(l),
    warn: (l) => lines.push(`warning: ${l}`),
    error: (l) => lines.push(`error: ${l}`),
  }
}
