// The `authkit` command: dispatches to serve, config, outbox, users and keys; usage errors exit 2.
import pkg from '../../package.json' with { type: 'json' }
import { type LoadedConfig, SettingsError, describeConfig, loadConfig } from '../config/load.ts'
import { NewerDatabaseError } from '../db/open.ts'
import { StartupError } from '../lib/errors.ts'
import { type FlagSpec, UsageError, parseArgs } from './args.ts'
import { COMMANDS, type CliIO, type Command } from './commands.ts'

export const VERSION: string = pkg.version

export const USAGE = `authkit ${VERSION}: a self-hosted authentication server in one executable

Usage: authkit [command] [options]    (options may come before or after the command)

Commands:
  serve            run the HTTP server (the default)
                     [--port N] [--host H] [--dev]
  config           print the effective settings, secrets masked, each with where it came from
  outbox list      show the e-mail kept in the outbox [--json]
  users create     add a user: --username U --email E [--password P | --password-stdin] [--verified]
  keys rotate      make a new JWT signing key; tokens signed with the old one stay valid until they expire
  backup FILE      write a consistent snapshot of the database while the server runs [--force]
  restore FILE     replace the database with a backup (refused while a server runs on the data directory)
  db copy          move this installation between its SQLite file and PostgreSQL (stop the server first):
                     --to URL (SQLite -> an empty PostgreSQL) or --from URL (PostgreSQL -> a new SQLite file)

Administration (USER is an id, a username or an e-mail; every change is in the audit log):
  users list       every account [--json]
  users show USER  one account [--json]
  users activate USER | users deactivate USER (deactivating revokes every session)
  users delete USER --yes           delete the account and everything it owns
  users set-password USER           [--password P | --password-stdin]; revokes every session
  users verify-email USER           mark the account's e-mail address verified
  sessions list --user USER         the user's sessions [--json]
  sessions revoke --user USER | --id SESSION
  outbox retry ID  send a failed or queued message again, with fresh attempts
  users import --django FILE [--emails FILE] [--dry-run]
                   import Django users (dumpdata auth.user, allauth account.emailaddress) with their password hashes
  audit list       the audit log, newest first [--user USER] [--since 7d|ISO-TIME] [--limit N] [--json]

Options for every command:
  --data DIR       data directory (DATA_DIR, default ./authkit-data)
  --config FILE    TOML settings file (default authkit.toml in the working directory, if present)
  --dev            development mode: DEBUG on (testing UI at /api/auth/ui/), cookies over plain http,
                   any Host allowed, listening on 127.0.0.1 unless --host says otherwise
  --help, --version

Settings come from built-in defaults, the TOML file, AUTHKIT_<NAME> environment variables, then
the flags above. \`authkit config\` lists every setting with its value; the README's Configuration
section explains each one.`

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

/** Every flag any command knows, to tell a flag's value from a command word before the command is known. */
const ALL_FLAGS: FlagSpec = Object.assign({}, COMMON, ...COMMANDS.map((c) => c.flags))

/** Splits argv into positional words and flag tokens, wherever the flags stand (`--config f config`). */
function splitArgv(argv: readonly string[]): { words: string[]; flagArgs: string[] } {
  const words: string[] = []
  const flagArgs: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (!arg.startsWith('-')) {
      words.push(arg)
      continue
    }
    if (!arg.startsWith('--') && arg !== '-h') throw new UsageError(`unknown option ${arg}`) // before its value is taken for a command
    flagArgs.push(arg)
    const name = arg.slice(2)
    if (arg.startsWith('--') && !arg.includes('=') && ALL_FLAGS[name] === 'value' && i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) {
      flagArgs.push(argv[++i]!)
    }
  }
  return { words, flagArgs }
}

/** The command named by the leading words (the longest match) and the words left over. */
function findCommand(words: readonly string[]): { command: Command; stray: string[] } | undefined {
  const matches = COMMANDS.filter((c) => c.words.length <= words.length && c.words.every((w, i) => w === words[i]))
  const command = matches.sort((a, b) => b.words.length - a.words.length)[0]
  return command && { command, stray: words.slice(command.words.length) }
}

/** Runs the CLI; resolves to the exit code (serve resolves when the server has stopped). */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  try {
    const { words, flagArgs } = splitArgv(argv)
    if (words.length === 0 && flagArgs.length === 1 && flagArgs[0] === '--version') {
      io.stdout(`authkit ${VERSION}\n`)
      return 0
    }
    if (flagArgs.includes('--help') || flagArgs.includes('-h') || words[0] === 'help') {
      io.stdout(`${USAGE}\n`)
      return 0
    }
    const found = findCommand(words.length === 0 ? ['serve'] : words)
    if (!found) throw new UsageError(`unknown command "${words.join(' ')}"`)
    const { command, stray: operands } = found
    const { flags } = parseArgs(flagArgs, { ...COMMON, ...command.flags })
    const wanted = command.args ?? []
    if (operands.length > wanted.length) throw new UsageError(`unexpected argument "${operands[wanted.length]}"`)
    if (operands.length < wanted.length) throw new UsageError(`${command.words.join(' ')} needs ${wanted.slice(operands.length).join(' ')}`)
    const args = operands
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
    if (e instanceof StartupError) {
      io.stderr(`${e.message}\n`)
      return 1
    }
    throw e
  }
}

export { describeConfig }
