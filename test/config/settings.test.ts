import { describe, expect, it } from 'bun:test'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { settleSecretKey } from '../../src/config/data-dir.ts'
import { SettingsError, describeConfig, loadConfig } from '../../src/config/load.ts'
import { SETTINGS, defaults, parseDuration, settingName } from '../../src/config/settings.ts'
import { tempDirs } from '../helpers/temp.ts'

const tempDir = tempDirs('authkit-settings-')

/** The one-line error loadConfig gives for these inputs. */
function errorOf(opts: Parameters<typeof loadConfig>[0]): string {
  try {
    loadConfig(opts)
  } catch (e) {
    if (e instanceof SettingsError) return e.message
    throw e
  }
  throw new Error('expected a SettingsError')
}

describe('precedence: defaults < --dev < file < environment < flags', () => {
  it('uses the built-in defaults when nothing is given', () => {
    const { config, sources } = loadConfig({ env: {}, cwd: tempDir() })
    expect(config.port).toBe(8000)
    expect(config.authType).toBe('jwt')
    expect(config.accessTokenLifetime).toBe(300)
    expect(config.refreshTokenLifetime).toBe(86400)
    expect(config.accountLoginMethods).toEqual(['username', 'email'])
    expect(config.debug).toBe(false)
    expect(config.authCookieSecure).toBe(true)
    expect(sources.port).toBe('default')
  })

  it('reads authkit.toml from the working directory', () => {
    const cwd = tempDir()
    writeFileSync(join(cwd, 'authkit.toml'), 'PORT = 9000\nAUTH_TYPE = "token"\nACCESS_TOKEN_LIFETIME = "10m"\nCORS_ALLOWED_ORIGINS = ["https://app.example.com"]\n')
    const { config, sources, file } = loadConfig({ env: {}, cwd })
    expect(file).toBe(join(cwd, 'authkit.toml'))
    expect(config.port).toBe(9000)
    expect(config.authType).toBe('token')
    expect(config.accessTokenLifetime).toBe(600)
    expect(config.corsAllowedOrigins).toEqual(['https://app.example.com'])
    expect(sources.port).toBe('file')
  })

  it('environment variables beat the file, flags beat the environment', () => {
    const cwd = tempDir()
    writeFileSync(join(cwd, 'authkit.toml'), 'PORT = 9000\nHOST = "127.0.0.1"\nSITE_NAME = "From file"\n')
    const { config, sources } = loadConfig({
      env: { AUTHKIT_PORT: '9100', AUTHKIT_HOST: '::1', PATH: '/usr/bin' },
      flags: { PORT: '9200' },
      cwd,
    })
    expect(config.port).toBe(9200)
    expect(sources.port).toBe('flag')
    expect(config.host).toBe('::1')
    expect(sources.host).toBe('env')
    expect(config.siteName).toBe('From file')
  })

  it('--config names another file, and a missing one is an error', () => {
    const cwd = tempDir()
    writeFileSync(join(cwd, 'other.toml'), 'SITE_NAME = "Other"\n')
    expect(loadConfig({ env: {}, cwd, configFile: 'other.toml' }).config.siteName).toBe('Other')
    expect(errorOf({ env: {}, cwd, configFile: 'missing.toml' })).toContain('file not found')
  })

  it('--dev turns DEBUG on and Secure cookies off, below every explicit source', () => {
    const dev = loadConfig({ env: {}, cwd: tempDir(), dev: true })
    expect(dev.config.debug).toBe(true)
    expect(dev.config.authCookieSecure).toBe(false)
    expect(dev.sources.debug).toBe('dev')
    const explicit = loadConfig({ env: { AUTHKIT_AUTH_COOKIE_SECURE: 'true' }, cwd: tempDir(), dev: true })
    expect(explicit.config.authCookieSecure).toBe(true)
  })
})

describe('every bad value stops start-up with one line naming the setting, the value and what is allowed', () => {
  const cases: [string, Record<string, string>, string[]][] = [
    ['an enum', { AUTHKIT_AUTH_TYPE: 'banana' }, ['AUTH_TYPE', '"banana"', 'one of jwt, token']],
    ['a boolean', { AUTHKIT_USE_AUTH_COOKIE: 'yes' }, ['USE_AUTH_COOKIE', '"yes"', 'true or false']],
    ['an integer', { AUTHKIT_PORT: '80x' }, ['PORT', '"80x"', 'an integer from 0 to 65535']],
    ['an integer out of range', { AUTHKIT_PORT: '70000' }, ['PORT', '"70000"', 'an integer from 0 to 65535']],
    ['a duration', { AUTHKIT_ACCESS_TOKEN_LIFETIME: 'soon' }, ['ACCESS_TOKEN_LIFETIME', '"soon"', 'a duration']],
    ['a list item', { AUTHKIT_ACCOUNT_LOGIN_METHODS: 'username,phone' }, ['ACCOUNT_LOGIN_METHODS', '"phone"', 'username and/or email']],
    ['an origin', { AUTHKIT_CORS_ALLOWED_ORIGINS: 'https://app.example.com/path' }, ['CORS_ALLOWED_ORIGINS', 'origins like']],
    ['a URL', { AUTHKIT_FRONTEND_BASE_URL: 'ftp://x' }, ['FRONTEND_BASE_URL', '"ftp://x"', 'http(s) URL']],
    ['the SMTP URL', { AUTHKIT_EMAIL_URL: 'mailto:x' }, ['EMAIL_URL', 'smtp://']],
    ['a database URL of another scheme', { AUTHKIT_DATABASE_URL: 'mysql://u:p@db/authkit' }, ['DATABASE_URL', 'postgres://']],
    ['the samesite choice', { AUTHKIT_AUTH_COOKIE_SAMESITE: 'lax' }, ['AUTH_COOKIE_SAMESITE', 'one of Lax, Strict, None']],
    ['the JWT algorithm', { AUTHKIT_JWT_ALGORITHM: 'none' }, ['JWT_ALGORITHM', 'one of EdDSA, HS256, RS256, ES256']],
    ['the verification mode', { AUTHKIT_ACCOUNT_EMAIL_VERIFICATION: 'always' }, ['ACCOUNT_EMAIL_VERIFICATION', 'one of none, optional, mandatory']],
    ['argon2 memory', { AUTHKIT_ARGON2_MEMORY_COST: '8' }, ['ARGON2_MEMORY_COST', 'an integer from 1024']],
    ['the body limit', { AUTHKIT_DATA_UPLOAD_MAX_MEMORY_SIZE: '-1' }, ['DATA_UPLOAD_MAX_MEMORY_SIZE', 'an integer']],
    ['a rate-limit action', { AUTHKIT_ACCOUNT_RATE_LIMITS: 'login=5/m/ip,logon=5/m/ip' }, ['ACCOUNT_RATE_LIMITS', '"logon"', 'expected one of login, login_failed']],
    ['a rate-limit entry', { AUTHKIT_ACCOUNT_RATE_LIMITS: 'login=5/minute/ip' }, ['ACCOUNT_RATE_LIMITS', '"login=5/minute/ip"', 'action=N/period/scope']],
    ['an entry without =', { AUTHKIT_ACCOUNT_RATE_LIMITS: 'login' }, ['ACCOUNT_RATE_LIMITS', 'action=N/period/scope']],
    ['a rate-limit scope', { AUTHKIT_ACCOUNT_RATE_LIMITS: 'change_password=5/m/key' }, ['ACCOUNT_RATE_LIMITS', 'change_password is counted per ip or user']],
    ['a zero rate limit', { AUTHKIT_ACCOUNT_RATE_LIMITS: 'login=0/m/ip' }, ['ACCOUNT_RATE_LIMITS', 'at least 1', 'use "login=" to turn it off']],
    ['two limits on one window', { AUTHKIT_ACCOUNT_RATE_LIMITS: 'login=5/m/ip,login=9/60/ip' }, ['ACCOUNT_RATE_LIMITS', 'two limits per ip']],
  ]
  for (const [what, env, parts] of cases) {
    it(`rejects ${what}`, () => {
      const line = errorOf({ env, cwd: tempDir() })
      expect(line).not.toContain('\n')
      for (const part of parts) expect(line).toContain(part)
      expect(line).toContain(`environment variable AUTHKIT_${parts[0]}`)
    })
  }

  it('never echoes a bad secret value', () => {
    const line = errorOf({ env: { AUTHKIT_SECRET_KEY: 'short-secret' }, cwd: tempDir() })
    expect(line).toContain('SECRET_KEY')
    expect(line).toContain('at least 32 characters')
    expect(line).not.toContain('short-secret')
  })

  it('an unknown AUTHKIT_ environment variable is an unknown key (almost always a typo)', () => {
    const line = errorOf({ env: { AUTHKIT_ACESS_TOKEN_LIFETIME: '5m' }, cwd: tempDir() })
    expect(line).toContain('unknown setting ACESS_TOKEN_LIFETIME')
    expect(line).toContain('AUTHKIT_ACESS_TOKEN_LIFETIME')
  })

  it('an unknown key in the file is refused, naming the file', () => {
    const cwd = tempDir()
    writeFileSync(join(cwd, 'authkit.toml'), 'PROT = 8000\n')
    const line = errorOf({ env: {}, cwd })
    expect(line).toContain('unknown setting PROT')
    expect(line).toContain('authkit.toml')
  })

  it('a wrongly typed value in the file is refused', () => {
    const cwd = tempDir()
    writeFileSync(join(cwd, 'authkit.toml'), 'USE_AUTH_COOKIE = "maybe"\n')
    expect(errorOf({ env: {}, cwd })).toContain('USE_AUTH_COOKIE = "maybe"')
  })

  it('a file that is not TOML is refused', () => {
    const cwd = tempDir()
    writeFileSync(join(cwd, 'authkit.toml'), 'PORT = = 1\n')
    expect(errorOf({ env: {}, cwd })).toContain('cannot read config file')
  })

  it('a bad flag is named as a flag', () => {
    expect(errorOf({ env: {}, cwd: tempDir(), flags: { PORT: 'eighty' } })).toContain('from --port')
  })
})

describe('values', () => {
  it('durations accept seconds and s/m/h/d suffixes', () => {
    expect(parseDuration(90)).toBe(90)
    expect(parseDuration('90')).toBe(90)
    expect(parseDuration('30s')).toBe(30)
    expect(parseDuration('5m')).toBe(300)
    expect(parseDuration('2h')).toBe(7200)
    expect(parseDuration('1d')).toBe(86400)
    expect(() => parseDuration('-5')).toThrow()
    expect(() => parseDuration('1w')).toThrow()
  })

  it('ACCOUNT_RATE_LIMITS: a listed action replaces its defaults, `action=` turns one off, empty turns all off', () => {
    const cwd = tempDir()
    const limits = (raw: string) => loadConfig({ env: { AUTHKIT_ACCOUNT_RATE_LIMITS: raw }, cwd }).config.accountRateLimits
    const given = limits(' login_failed = 3/5m/key , signup=, login=10/30s/ip,login=100/h/ip ')
    expect(given).toEqual([
      'login=10/30s/ip',
      'login=100/h/ip',
      'login_failed=3/5m/key',
      'signup=',
      'reset_password=20/m/ip',
      'reset_password=5/m/key',
      'reset_password_from_key=20/m/ip',
      'confirm_email=1/3m/key',
      'change_password=5/m/user',
      'mfa_login=10/m/ip',
      'login_link=20/m/ip',
      'login_link=5/m/key',
      'login_link_verify=20/m/ip',
    ])
    expect(SETTINGS.accountRateLimits.parse(given)).toEqual(given)
    expect(limits('')).toEqual([])
    writeFileSync(join(cwd, 'authkit.toml'), 'ACCOUNT_RATE_LIMITS = ["login=5/m/ip", "confirm_email="]\n')
    const fromFile = loadConfig({ env: {}, cwd }).config.accountRateLimits
    expect(fromFile.slice(0, 2)).toEqual(['login=5/m/ip', 'login_failed=10/m/ip'])
    expect(fromFile).toContain('confirm_email=')
  })

  it('an empty value clears an optional setting', () => {
    const { config } = loadConfig({ env: { AUTHKIT_JWT_ISSUER: '' }, cwd: tempDir() })
    expect(config.jwtIssuer).toBeNull()
  })

  it('every setting has an UPPER_SNAKE name, a doc line and a default its own parser accepts', () => {
    for (const [key, setting] of Object.entries(SETTINGS)) {
      expect(settingName(key)).toMatch(/^[A-Z][A-Z0-9_]+$/)
      expect(setting.doc.length).toBeGreaterThan(10)
      if (setting.default !== null) expect(setting.parse(setting.default as never)).toEqual(setting.default as never)
    }
    expect(Object.keys(defaults()).length).toBe(Object.keys(SETTINGS).length)
  })
})

describe('authkit config output', () => {
  it('masks SECRET_KEY and the password in EMAIL_URL', () => {
    const loaded = loadConfig({
      env: { AUTHKIT_SECRET_KEY: 'k'.repeat(40), AUTHKIT_EMAIL_URL: 'smtp://mailer:hunter2hunter2@mail.example.com:587' },
      cwd: tempDir(),
    })
    const text = describeConfig(loaded)
    expect(text).toContain('SECRET_KEY = "********"  # env')
    expect(text).toContain('EMAIL_URL = "smtp://mailer:********@mail.example.com:587"')
    expect(text).not.toContain('k'.repeat(40))
    expect(text).not.toContain('hunter2')
    expect(text.split('\n').length).toBe(Object.keys(SETTINGS).length)
  })
})

describe('DATABASE_URL', () => {
  it('the password in DATABASE_URL is masked by authkit config, and the rest shown', () => {
    const loaded = loadConfig({ env: { AUTHKIT_DATABASE_URL: 'postgresql://authkit:pg-s3cret-pw@db.internal:5432/auth' }, cwd: tempDir() })
    const text = describeConfig(loaded)
    expect(text).toContain('DATABASE_URL = "postgresql://authkit:********@db.internal:5432/auth"  # env')
    expect(text).not.toContain('pg-s3cret-pw')
  })

  it('a bad scheme is refused naming the setting, without echoing the password', () => {
    const message = errorOf({ env: { AUTHKIT_DATABASE_URL: 'mysql://u:pw-not-shown@db/authkit' }, cwd: tempDir() })
    expect(message).toContain('DATABASE_URL')
    expect(message).not.toContain('pw-not-shown')
  })
})

describe('SECRET_KEY generation', () => {
  it('is generated once into the data directory, readable only by its owner, and reused', () => {
    const dataDir = join(tempDir(), 'data')
    const first = settleSecretKey({ ...defaults(), dataDir })
    expect(first.secretKey.length).toBeGreaterThanOrEqual(32)
    expect(statSync(dataDir).mode & 0o777).toBe(0o700)
    expect(statSync(join(dataDir, 'secret_key')).mode & 0o777).toBe(0o600)
    const second = settleSecretKey({ ...defaults(), dataDir })
    expect(second.secretKey).toBe(first.secretKey)
    expect(readFileSync(join(dataDir, 'secret_key'), 'utf8').trim()).toBe(first.secretKey)
  })

  it('a configured SECRET_KEY is used as is and nothing is written', () => {
    const dataDir = join(tempDir(), 'data')
    const cfg = settleSecretKey({ ...defaults(), dataDir, secretKey: 's'.repeat(40) })
    expect(cfg.secretKey).toBe('s'.repeat(40))
    expect(() => statSync(join(dataDir, 'secret_key'))).toThrow()
  })
})
