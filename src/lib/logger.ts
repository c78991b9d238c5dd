// A minimal line logger; tests pass `silentLogger`. Never hand it a body, a cookie or a token.

export interface Logger {
  info(line: string): void
  warn(line: string): void
  error(line: string): void
}

// console.log, not process.stdout.write: the first write through Node's stream would cost ~15 ms of
// start-up (building process.stdout); '%s' keeps a line's own % signs as they are.
export const consoleLogger: Logger = {
  info: (line) => console.log('%s', line),
  warn: (line) => console.error('%s', `warning: ${line}`),
  error: (line) => console.error('%s', `error: ${line}`),
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
