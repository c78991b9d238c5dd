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
  authkit users list [--json] | users show USER [--json]
  authkit users activate|deactivate|verify-email USER | users delete USER --yes
  authkit users set-password USER [--password P | --password-stdin]
  authkit sessions list --user USER [--json] | sessions revoke --user USER | --id SESSION
  authkit outbox retry ID
  authkit audit list [--user USER] [--since 7d|ISO-TIME] [--limit N] [--json]
      (each also takes --data DIR and --config FILE; USER is an id, a username or an e-mail)
  authkit --help | --version

Settings come from built-in defaults, authkit.toml (or --config FILE), AUTHKIT_<NAME>
environment variables, then flags; see the README for every setting.
--dev turns on DEBUG (testing UI at /api/auth/ui/), allows cookies over plain http and any Host,
and listens on 127.0.0.1 unless --host says otherwise.`

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

/** The command named by the leading words; the words after its name are its positional arguments. */
function findCommand(words: readonly string[]): Command | undefined {
  const named = (c: Command) => c.words.every((w, i) => w === words[i])
  return COMMANDS.find((c) => c.words.length === words.length && named(c)) ?? COMMANDS.find((c) => c.args && words.length > c.words.length && named(c))
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
    const { words: stray, flags } = parseArgs(rest, { ...COMMON, ...command.flags })
    const args = [...words.slice(command.words.length), ...stray]
    if (args.length > (command.args?.length ?? 0)) throw new UsageError(`unexpected argument "${args[command.args?.length ?? 0]}"`)
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
