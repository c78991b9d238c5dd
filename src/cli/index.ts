// The `authkit` command: dispatches to serve, config, outbox, users and keys; usage errors exit 2.
import pkg from '../../package.json' with { type: 'json' }
import { type LoadedConfig, SettingsError, describeConfig, loadConfig } from '../config/load.ts'
import { NewerDatabaseError } from '../db/open.ts'
import { type FlagSpec, UsageError, parseArgs } from './args.ts'
import { COMMANDS, type CliIO, type Command } from './commands.ts'

export const VERSION: string = pkg.version

export const USAGE = `authkit ${VERSION}: a self-hosted authentication server in one executable

Usage:
  authkit [serve] [--port N] [--host H] [--data DIR] [--config FILE] [--dev]
  authkit config [--data DIR] [--config FILE] [--dev]
  authkit outbox list [--json] [--data DIR] [--config FILE]
  authkit users create --username U --email E [--password P | --password-stdin] [--verified]
                       [--data DIR] [--config FILE]
  authkit keys rotate [--data DIR] [--config FILE]
  authkit backup FILE [--force] [--data DIR] [--config FILE]
  authkit restore FILE [--data DIR] [--config FILE]   (with no server running on DIR)
  authkit --help | --version

Settings come from built-in defaults, authkit.toml (or --config FILE), AUTHKIT_<NAME>
environment variables, then flags; see the README for every setting.
--dev turns on DEBUG (testing UI at /api/auth/ui/) and allows cookies over plain http.`

const COMMON: FlagSpec = { data: 'value', config: 'value', dev: 'switch' }

/** Loads settings from the environment, the config file and the operational flags. */
export function settingsFrom(flags: Record<string, string | true>, io: CliIO): LoadedConfig {
  const given: Record<string, string> = {}
  if (typeof flags.port === 'string') given.PORT = flags.port
  if (typeof flags.host === 'string') given.HOST = flags.host
  if (typeof flags.data === 'string') given.DATA_DIR = flags.data
  return loadConfig({
    env: io.env,
    cwd: io.cwd,
    flags: given,
    configFile: typeof flags.config === 'string' ? flags.config : undefined,
    dev: flags.dev === true,
  })
}

/** The command whose words start `words`; what follows them are its operands (checked by the caller). */
function findCommand(words: readonly string[]): Command | undefined {
  const named = COMMANDS.filter((c) => c.words.every((w, i) => w === words[i]) && c.words.length <= words.length)
  return named.sort((a, b) => b.words.length - a.words.length)[0]
}

/** Runs the CLI; resolves to the exit code (serve resolves when the server has stopped). */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  try {
    const firstFlag = argv.findIndex((a) => a.startsWith('-'))
    const words = firstFlag === -1 ? [...argv] : argv.slice(0, firstFlag)
    const rest = firstFlag === -1 ? [] : argv.slice(firstFlag)
    if (words.length === 0 && rest.length === 1 && rest[0] === '--version') {
      io.stdout(`authkit ${VERSION}\n`)
      return 0
    }
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout(`${USAGE}\n`)
      return 0
    }
    const command = findCommand(words.length === 0 ? ['serve'] : words)
    if (!command) throw new UsageError(`unknown command "${words.join(' ')}"`)
    const args = words.slice(command.words.length)
    const wanted = command.args ?? []
    if (args.length > wanted.length) {
      throw new UsageError(wanted.length === 0 ? `unknown command "${words.join(' ')}"` : `unexpected argument "${args[wanted.length]}"`)
    }
    if (args.length < wanted.length) throw new UsageError(`${command.words.join(' ')} needs ${wanted.slice(args.length).join(' ')}`)
    const { words: stray, flags } = parseArgs(rest, { ...COMMON, ...command.flags })
    if (stray.length > 0) throw new UsageError(`unexpected argument "${stray[0]}"`)
    return await command.run({ flags, args, io, settings: () => settingsFrom(flags, io) })
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`authkit: ${e.message}\n\n${USAGE}\n`)
      return 2
    }
    if (e instanceof SettingsError || e instanceof NewerDatabaseError) {
      io.stderr(`${e.message}\n`)
      return 2
    }
    throw e
  }
}

export { describeConfig }
