// The command table: each command names its words, its own flags and what it runs.
import type { LoadedConfig } from '../config/load.ts'
import { ADMIN_COMMANDS } from './admin.ts'
import type { FlagSpec } from './args.ts'
import { configCommand } from './config.ts'
import { keysRotateCommand } from './keys.ts'
import { outboxListCommand } from './outbox.ts'
import { serveCommand } from './serve.ts'
import { usersCreateCommand } from './users.ts'

export interface CliIO {
  readonly env: Record<string, string | undefined>
  readonly cwd: string
  stdout(text: string): void
  stderr(text: string): void
  /** All of standard input (for `--password-stdin`). */
  stdin(): Promise<string>
  /** Resolves when the process is asked to stop (SIGTERM/SIGINT); tests resolve it by hand. */
  stopSignal?: Promise<string>
}

export interface CommandContext {
  readonly flags: Record<string, string | true>
  /** The positional arguments after the command's words (at most as many as it names in `args`). */
  readonly args: readonly string[]
  readonly io: CliIO
  /** Loads and validates the settings (throws SettingsError). */
  settings(): LoadedConfig
}

export interface Command {
  readonly words: readonly string[]
  readonly flags: FlagSpec
  /** Names of the positional arguments it takes (`outbox retry ID`), for its usage errors. */
  readonly args?: readonly string[]
  run(ctx: CommandContext): Promise<number>
}

export const COMMANDS: readonly Command[] = [serveCommand, configCommand, outboxListCommand, usersCreateCommand, keysRotateCommand, ...ADMIN_COMMANDS]
