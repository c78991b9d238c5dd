// Loads settings: built-in defaults < `--dev` defaults < TOML file < AUTHKIT_* environment < flags.
import { maskUrlPassword } from '../lib/url.ts'
import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { StartupError } from '../lib/errors.ts'
import { closestName } from './suggest.ts'
import { type Config, SETTINGS, SETTING_BY_NAME, type SettingKey, defaults, settingName } from './settings.ts'

export type Source = 'default' | 'dev' | 'file' | 'env' | 'flag'

/** A setting that cannot be used; `message` is the single line printed before exiting with code 2. */
export class SettingsError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'SettingsError'
  }
}

export interface LoadOptions {
  env?: Record<string, string | undefined>
  /** Values given as command-line flags, by setting name (`PORT`, `HOST`, `DATA_DIR`). */
  flags?: Record<string, string>
  /** `--config FILE`; when absent `authkit.toml` in `cwd` is read if present. */
  configFile?: string
  cwd?: string
  dev?: boolean
}

export interface LoadedConfig {
  config: Config
  sources: Record<SettingKey, Source>
  /** The TOML file that was read, if any. */
  file: string | null
}

// HOST: the testing UI and its mailbox (live reset links) answer anyone who can connect, so only this machine may.
const DEV_DEFAULTS: Partial<Record<SettingKey, unknown>> = { debug: true, authCookieSecure: false, allowedHosts: '*', host: '127.0.0.1' }

export function loadConfig(opts: LoadOptions = {}): LoadedConfig {
  const env = opts.env ?? Bun.env
  const cwd = opts.cwd ?? process.cwd()
  const values: Record<string, unknown> = { ...defaults() }
  const sources = Object.fromEntries(Object.keys(SETTINGS).map((k) => [k, 'default'])) as Record<SettingKey, Source>

  const apply = (name: string, raw: unknown, source: Source, origin: string) => {
    const key = SETTING_BY_NAME.get(name)
    if (!key) throw new SettingsError(unknownSetting(name, source, origin))
    const setting = SETTINGS[key]
    try {
      values[key] = setting.parse(typeof raw === 'string' && source !== 'file' ? raw.trim() : raw)
      sources[key] = source
    } catch (why) {
      if (typeof why !== 'string') throw why
      const shown = setting.secret ? '(hidden)' : JSON.stringify(raw)
      throw new SettingsError(`authkit: invalid ${name} = ${shown} (${origin}): ${why}`)
    }
  }

  if (opts.dev) for (const [key, value] of Object.entries(DEV_DEFAULTS)) apply(settingName(key), value, 'dev', '--dev')

  const file = opts.configFile ? resolve(cwd, opts.configFile) : resolve(cwd, 'authkit.toml')
  let fileRead: string | null = null
  if (opts.configFile || existsSync(file)) {
    let parsed: Record<string, unknown>
    try {
      parsed = Bun.TOML.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code
      if (code === 'ENOENT') throw new SettingsError(`authkit: cannot read config file ${file}: file not found; check the path given to --config`)
      // The machine's fault, not the settings': exit 1 like other start-up failures.
      if (code === 'EACCES' || code === 'EPERM') throw new StartupError(`authkit: cannot read config file ${file}: permission denied; make it readable by the user running authkit`)
      if (code === 'EISDIR') throw new StartupError(`authkit: cannot read config file ${file}: it is a directory; give --config the path of a TOML file`)
      if (code) throw new StartupError(`authkit: cannot read config file ${file}: ${(e as Error).message.split('\n')[0]}`)
      throw new SettingsError(`authkit: cannot read config file ${file}: ${(e as Error).message.split('\n')[0]}; fix the TOML syntax at that place`)
    }
    for (const [name, raw] of Object.entries(parsed)) apply(name, raw, 'file', `in ${file}`)
    fileRead = file
  }

  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith('AUTHKIT_') || raw === undefined) continue
    apply(name.slice('AUTHKIT_'.length), raw, 'env', `from environment variable ${name}`)
  }

  for (const [name, raw] of Object.entries(opts.flags ?? {})) {
    apply(name, raw, 'flag', `from --${name === 'DATA_DIR' ? 'data' : name.toLowerCase()}`)
  }

  const config = Object.freeze(values) as Config
  // Outside --dev, links built from whatever Host a client sends are exactly the hole ALLOWED_HOSTS closes.
  if (!opts.dev && config.allowedHosts.includes('*') && !config.publicUrl) {
    throw new SettingsError(
      'authkit: ALLOWED_HOSTS = "*" needs PUBLIC_URL (e-mailed links would otherwise be built from any Host a client sends); set PUBLIC_URL or list the host names',
    )
  }
  return { config, sources, file: fileRead }
}

/** One line for a setting name authkit does not know, with the closest known one. */
function unknownSetting(name: string, source: Source, origin: string): string {
  const near = closestName(name, SETTING_BY_NAME.keys())
  const spelt = near && source === 'env' ? `AUTHKIT_${near}` : near
  const hint = spelt ? `did you mean ${spelt}? ` : ''
  return `authkit: unknown setting ${name} (${origin}); ${hint}\`authkit config\` lists every setting, the README's Configuration section explains them`
}

/** The effective settings as TOML lines, secrets masked, each with where it came from. */
export function describeConfig({ config, sources }: LoadedConfig): string {
  const lines: string[] = []
  for (const key of Object.keys(SETTINGS) as SettingKey[]) {
    const setting = SETTINGS[key]
    const value = config[key]
    let shown: string
    if (value === null) shown = '""'
    else if (setting.show) shown = setting.show(value as never)
    else if (setting.secret) shown = key === 'emailUrl' || key === 'databaseUrl' ? JSON.stringify(maskUrlPassword(String(value))) : '"********"'
    else shown = typeof value === 'string' ? JSON.stringify(value) : Array.isArray(value) ? JSON.stringify(value) : String(value)
    const note = key === 'secretKey' && value === null ? ' (generated and kept in DATA_DIR/secret_key)' : ''
    lines.push(`${settingName(key)} = ${shown}  # ${sources[key]}${note}`)
  }
  return lines.join('\n')
}
