// The command table: each command names its words, its own flags and what it runs.
import { ADMIN_COMMANDS } from './admin.ts'
import type { LoadedConfig } from '../config/load.ts'
import type { FlagSpec } from './args.ts'
import { backupCommand, restoreCommand } from './backup.ts'
import { configCommand } from './config.ts'
import { dbCopyCommand } from './db.ts'
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
  /** The operands named by the command's `args`, in order. */
  readonly args: readonly string[]
  readonly io: CliIO
  /** Loads and validates the settings (throws SettingsError). */
  settings(): LoadedConfig
}

export interface Command {
  readonly words: readonly string[]
  /** Operands after the words (`backup FILE`): each one required. */
  readonly args?: readonly string[]
  readonly flags: FlagSpec
  run(ctx: CommandContext): Promise<number>
}

export const COMMANDS: readonly Command[] = [serveCommand, configCommand, outboxListCommand, usersCreateCommand, keysRotateCommand, backupCommand, restoreCommand, dbCopyCommand, ...ADMIN_COMMANDS]
