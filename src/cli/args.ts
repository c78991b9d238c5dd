// Command-line parsing: `authkit [command...] [--flag value | --switch]`, checked against each command's flags.

export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

export interface FlagSpec {
  /** `value` flags take an argument (`--port 8000` or `--port=8000`); `switch` flags take none. */
  readonly [name: string]: 'value' | 'switch'
}

export interface ParsedArgs {
  readonly words: string[]
  readonly flags: Record<string, string | true>
}

/** Splits argv into leading command words and flags; every flag must be in `spec`. */
export function parseArgs(argv: readonly string[], spec: FlagSpec): ParsedArgs {
  const words: string[] = []
  const flags: Record<string, string | true> = {}
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (!arg.startsWith('-')) {
      if (Object.keys(flags).length > 0) throw new UsageError(`unexpected argument "${arg}"`)
      words.push(arg)
      continue
    }
    if (!arg.startsWith('--')) throw new UsageError(`unknown option ${arg}`)
    const eq = arg.indexOf('=')
    const name = arg.slice(2, eq === -1 ? undefined : eq)
    const kind = spec[name]
    if (!kind) throw new UsageError(`unknown option --${name}`)
    if (kind === 'switch') {
      if (eq !== -1) throw new UsageError(`--${name} takes no value`)
      flags[name] = true
    } else {
      const value = eq !== -1 ? arg.slice(eq + 1) : argv[++i]
      if (value === undefined || (eq === -1 && value.startsWith('--'))) throw new UsageError(`--${name} needs a value`)
      flags[name] = value
    }
  }
  return { words, flags }
}
