// The settings schema: every setting's name, type, default and documentation, in one table.
// Names follow DRF Auth Kit / simplejwt / allauth / Django; in code they are camelCase
// (`ACCESS_TOKEN_LIFETIME` is `accessTokenLifetime`). The README's reference is generated from this table.
import { LANGUAGES } from '../i18n/negotiate.ts'
import { listItems } from './lists.ts'
import { type ProviderSpec, parseProviders, showProviders } from './social-providers.ts'
import { DEFAULT_RATE_LIMITS, RATE_LIMITS_ALLOWED, RATE_LIMITS_DOC, parseRateLimitsSetting } from './rate-limits.ts'

/** One setting: how to read a raw value (a string from env/flags, or a TOML value) and what it means. */
export interface Setting<T> {
  readonly group: 'Operational' | 'Authentication' | 'Passwords' | 'Accounts and e-mail' | 'Social login'
  readonly default: T
  readonly doc: string
  /** Human description of the allowed values, used in error messages and the README. */
  readonly allowed: string
  readonly secret?: boolean
  /** Returns the parsed value, or throws a string explaining what is wrong. */
  parse(raw: unknown): T
  /** How `authkit config` prints the value (TOML), when a secret is only part of it. */
  show?(value: T): string
}

type Group = Setting<unknown>['group']
const fail = (why: string): never => {
  throw why
}

const str =
  (group: Group, def: string, doc: string, opts: { secret?: boolean; allowed?: string; pattern?: RegExp } = {}) =>
  (): Setting<string> => ({
    group,
    default: def,
    doc,
    allowed: opts.allowed ?? 'a string',
    secret: opts.secret,
    parse(raw) {
      if (typeof raw !== 'string') return fail(`expected ${opts.allowed ?? 'a string'}`)
      if (opts.pattern && !opts.pattern.test(raw)) return fail(`expected ${opts.allowed}`)
      return raw
    },
  })

const optional = <T>(inner: Setting<T>): Setting<T | null> => ({
  ...inner,
  default: null,
  allowed: `${inner.allowed}, or empty for none`,
  parse: (raw) => (raw === '' || raw === null ? null : inner.parse(raw)),
})

const bool = (group: Group, def: boolean, doc: string): Setting<boolean> => ({
  group,
  default: def,
  doc,
  allowed: 'true or false',
  parse(raw) {
    if (typeof raw === 'boolean') return raw
    if (raw === 'true') return true
    if (raw === 'false') return false
    return fail('expected true or false')
  },
})

const int = (group: Group, def: number, doc: string, min: number, max: number): Setting<number> => ({
  group,
  default: def,
  doc,
  allowed: `an integer from ${min} to ${max}`,
  parse(raw) {
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : Number.NaN
    if (!Number.isInteger(n) || n < min || n > max) return fail(`expected an integer from ${min} to ${max}`)
    return n
  },
})

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 }

/** A duration in seconds: `300`, `"300"`, `"5m"`, `"1h"`, `"1d"`. */
export function parseDuration(raw: unknown): number {
  if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 0) return raw
  const m = typeof raw === 'string' ? /^(\d+)\s*([smhd]?)$/.exec(raw.trim()) : null
  if (!m) return fail('expected a duration in seconds or like 30s, 5m, 1h, 1d')
  return Number(m[1]) * UNITS[m[2] || 's']!
}

const duration = (group: Group, def: string, doc: string): Setting<number> => ({
  group,
  default: parseDuration(def),
  doc,
  allowed: 'a duration in seconds or like 30s, 5m, 1h, 1d',
  parse: parseDuration,
})

const oneOf = <const T extends string>(group: Group, values: readonly T[], def: T, doc: string): Setting<T> => ({
  group,
  default: def,
  doc,
  allowed: `one of ${values.join(', ')}`,
  parse(raw) {
    if (typeof raw === 'string' && (values as readonly string[]).includes(raw)) return raw as T
    return fail(`expected one of ${values.join(', ')}`)
  },
})

/** A list from a TOML array, a JSON array or a comma-separated string; `each` checks every item. */
const list = (
  group: Group,
  def: string[],
  doc: string,
  allowed: string,
  each: (item: string) => boolean = () => true,
): Setting<string[]> => ({
  group,
  default: def,
  doc,
  allowed,
  parse(raw) {
    const out = listItems(raw, allowed)
    for (const item of out) if (!each(item)) fail(`"${item}" is not allowed: expected ${allowed}`)
    return out
  },
})

const isOrigin = (s: string) => {
  try {
    const u = new URL(s)
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === s
  } catch {
    return false
  }
}
const isHttpUrl = (s: string) => {
  try {
    const u = new URL(s)
    return u.protocol === 'http:' || u.protocol === 'https:'
  } catch {
    return false
  }
}
/** An ALLOWED_HOSTS entry: `*`, a host name or IP (IPv6 in brackets), or `.example.com` for a domain and its subdomains. */
const isHostPattern = (s: string) => s === '*' || /^\.?([a-z0-9.-]+|\[[a-f0-9]*:[a-f0-9.:]+\])$/i.test(s)
const url = (group: Group, doc: string) =>
  optional({
    ...str(group, '', doc, { allowed: 'an http(s) URL' })(),
    parse: (raw) => (typeof raw === 'string' && isHttpUrl(raw) ? raw.replace(/\/+$/, '') : fail('expected an http(s) URL')),
  })

/** ACCOUNT_RATE_LIMITS: allauth's format and defaults, kept in ./rate-limits.ts with the list of actions. */
const rateLimits = (group: Group): Setting<string[]> => ({
  group,
  default: [...DEFAULT_RATE_LIMITS],
  doc: RATE_LIMITS_DOC,
  allowed: RATE_LIMITS_ALLOWED,
  parse: parseRateLimitsSetting,
})

const OP: Group = 'Operational'
const AUTH: Group = 'Authentication'
const PW: Group = 'Passwords'
const ACC: Group = 'Accounts and e-mail'
const SOC: Group = 'Social login'

export const SETTINGS = {
  port: int(OP, 8000, 'TCP port to listen on (`--port`).', 0, 65535),
  host: str(OP, '0.0.0.0', 'Address to listen on (`--host`).')(),
  dataDir: str(OP, './authkit-data', 'Directory holding `authkit.db` and generated keys, created owner-only (`--data`).')(),
  databaseUrl: optional(
    str(OP, '', 'PostgreSQL (14+) to keep the data in, e.g. `postgres://user:pass@host:5432/authkit`, shared by every instance; unset, SQLite in the data directory.', {
      secret: true,
      allowed: 'a postgres:// or postgresql:// URL',
      pattern: /^postgres(ql)?:\/\/[^\s]+$/i,
    })(),
  ),
  publicUrl: url(OP, "Base URL used in e-mail links; defaults to the request's own origin (its `Host` must be in `ALLOWED_HOSTS`)."),
  debug: bool(OP, false, 'Development mode: the testing UI and browsable API (`--dev` sets it).'),
  secretKey: optional(
    str(OP, '', 'Key for HS256 tokens and signed values; generated on first start and kept in the data directory when unset.', {
      secret: true,
      allowed: 'a string of at least 32 characters',
      pattern: /^.{32,}$/s,
    })(),
  ),
  trustedProxies: list(OP, [], 'Proxy addresses whose `X-Forwarded-For` is believed (for client IPs in logs and sessions).', 'IP addresses'),
  corsAllowedOrigins: list(OP, [], 'Origins (scheme://host[:port]) of frontends allowed to call the API with credentials; also trusted for CSRF.', 'origins like https://app.example.com', isOrigin),
  csrfTrustedOrigins: list(OP, [], 'Extra origins accepted in `Origin` on cookie-authenticated unsafe requests (those in `CORS_ALLOWED_ORIGINS` are accepted too).', 'origins like https://app.example.com', isOrigin),
  allowedHosts: list(
    OP,
    [],
    'Host names this server answers to (any port); any other `Host` gets 400 `bad_host`, so e-mailed links never carry a forged host. ' +
      '`.example.com` also matches its subdomains; `*` matches any host and needs `PUBLIC_URL` (outside `--dev`, where it is the default). ' +
      'Unset: the host of `PUBLIC_URL` plus `localhost`, `127.0.0.1` and `[::1]`.',
    'host names like auth.example.com, .example.com or *',
    isHostPattern,
  ),
  dataUploadMaxMemorySize: int(OP, 65536, 'Largest request body accepted, in bytes; larger bodies get 413.', 1024, 16 * 1024 * 1024),
  accessLog: bool(OP, true, 'Write one line per request (request id, client IP, user id, method, path, status, duration; never a query string, cookie or token) to standard output.'),
  logFormat: oneOf(OP, ['text', 'json'], 'text', 'Log lines as plain text, or one JSON object a line for log shippers.'),
  apiDocs: bool(OP, true, 'Serve the API documentation (`/api/schema/`, `/api/docs/`, `/api/redoc/`); false answers them 404.'),
  forwardAuthLoginUrl: url(OP, 'Where `forward-auth/` sends a browser (302, with `next=` the original URL when its origin is allowed) instead of answering 401.'),
  metricsEnabled: bool(OP, false, 'Serve Prometheus metrics at `/metrics`.'),
  metricsToken: optional(
    str(OP, '', 'Bearer token `/metrics` requires (`Authorization: Bearer <token>`); unset, `/metrics` is open to whoever reaches it.', {
      secret: true,
      allowed: 'a string of at least 16 characters',
      pattern: /^.{16,}$/s,
    })(),
  ),

  authType: oneOf(AUTH, ['jwt', 'token'], 'jwt', 'Access credentials: JWT access/refresh pairs or opaque tokens.'),
  useAuthCookie: bool(AUTH, true, 'Also set the tokens as HttpOnly cookies at login (with CSRF protection).'),
  authCookieSecure: bool(AUTH, true, 'Mark auth cookies `Secure` (false under `--dev`, for plain http://localhost).'),
  authCookieHttponly: bool(AUTH, true, 'Mark auth cookies `HttpOnly`.'),
  authCookieSamesite: oneOf(AUTH, ['Lax', 'Strict', 'None'], 'Lax', '`SameSite` of auth cookies; cross-site frontends need `None` (with `Secure`).'),
  authCookieDomain: optional(str(AUTH, '', '`Domain` of auth cookies.')()),
  authCookiePartitioned: bool(AUTH, false, 'Add `Partitioned` (CHIPS) to auth cookies; needs `SameSite=None` and `Secure`.'),
  authJwtCookieName: str(AUTH, 'auth-jwt', 'Cookie holding the access JWT.')(),
  authJwtCookiePath: str(AUTH, '/', 'Path of the access-token cookie.')(),
  authJwtRefreshCookieName: str(AUTH, 'auth-refresh-jwt', 'Cookie holding the refresh JWT.')(),
  authJwtRefreshCookiePath: str(AUTH, '/', 'Path of the refresh-token cookie.')(),
  authTokenCookieName: str(AUTH, 'auth-token', 'Cookie holding the opaque token (token mode).')(),
  authTokenCookiePath: str(AUTH, '/', 'Path of the token cookie.')(),
  authTokenCookieExpireTime: duration(AUTH, '1d', 'Lifetime of the token cookie and of the token-mode key.'),
  accessTokenLifetime: duration(AUTH, '5m', 'Lifetime of an access JWT.'),
  refreshTokenLifetime: duration(AUTH, '1d', 'Lifetime of a refresh JWT (and of its session).'),
  rotateRefreshTokens: bool(AUTH, true, 'Issue a new refresh token on every refresh; a replayed old one revokes the session.'),
  refreshTokenReuseInterval: duration(AUTH, '10s', 'Grace window in which a just-rotated refresh token is still answered (two tabs refreshing at once).'),
  jwtAlgorithm: oneOf(AUTH, ['EdDSA', 'HS256', 'RS256', 'ES256'], 'EdDSA', 'Signing algorithm; asymmetric keys are generated, stored and published at `/.well-known/jwks.json`.'),
  jwtIssuer: optional(str(AUTH, '', '`iss` claim set and required on access tokens.')()),
  jwtAudience: optional(str(AUTH, '', '`aud` claim set and required on access tokens.')()),

  argon2MemoryCost: int(PW, 19456, 'argon2id memory in KiB (OWASP minimum 19456, about 24 ms a hash); stored in each hash, upgraded at next login.', 1024, 4 * 1024 * 1024),
  argon2TimeCost: int(PW, 2, 'argon2id iterations; stored in each hash, upgraded at next login.', 1, 20),

  accountEmailVerification: oneOf(ACC, ['none', 'optional', 'mandatory'], 'mandatory', 'Whether e-mail addresses are verified, and whether login waits for it.'),
  accountLoginMethods: list(ACC, ['username', 'email'], 'What login accepts: `username`, `email`, or both.', 'username and/or email', (m) => m === 'username' || m === 'email'),
  accountRateLimits: rateLimits(ACC),
  oldPasswordFieldEnabled: bool(ACC, true, 'Password change asks for the old password.'),
  passwordResetPreventEnumeration: bool(ACC, true, 'Password reset answers the same whether or not the address has an account.'),
  emailConfirmationExpire: duration(ACC, '3d', 'Lifetime of an e-mail verification key.'),
  passwordResetTimeout: duration(ACC, '1h', 'Lifetime of a password reset token.'),
  frontendBaseUrl: url(ACC, 'Frontend that handles the e-mailed links; unset, the links open pages served by authkit.'),
  registerEmailConfirmPath: optional(str(ACC, '', 'Frontend path of the e-mail verification page (`?key=` is appended).')()),
  passwordResetConfirmPath: optional(str(ACC, '', 'Frontend path of the password reset page (`?uid=&token=` are appended).')()),
  defaultFromEmail: str(ACC, 'webmaster@localhost', '`From` address of outgoing mail.')(),
  emailUrl: optional(
    str(ACC, '', 'SMTP server, e.g. `smtp://user:pass@host:587` or `smtps://...`; unset, mail stays in the outbox (dev mailer).', {
      secret: true,
      allowed: 'an smtp:// or smtps:// URL',
      pattern: /^smtps?:\/\/[^\s]+$/,
    })(),
  ),
  siteName: str(ACC, 'authkit', 'Name used in e-mail subjects and pages.')(),
  languageCode: oneOf(ACC, LANGUAGES, 'en', 'Language of messages, e-mails and pages when `Accept-Language` names none authkit speaks (README: Languages).'),

  socialProviders: {
    group: SOC,
    default: [] as ProviderSpec[],
    doc:
      'OAuth 2 / OpenID Connect providers, one TOML table each (`[[SOCIAL_PROVIDERS]]`; in the environment a JSON array of them): ' +
      '`slug`, `kind` (google, github, microsoft, gitlab, discord, apple, oidc), `client_id`, `client_secret`, and to override ' +
      'the preset `issuer` (discovery), `authorization_url`, `token_url`, `userinfo_url`, `jwks_url`, `scopes`, `name`.',
    allowed: 'an array of provider tables',
    secret: true,
    parse: parseProviders,
    show: showProviders,
  } satisfies Setting<ProviderSpec[]>,
  socialLoginAutoConnectByEmail: bool(SOC, false, 'Social login links an existing account with the same e-mail address, only when the provider says the address is verified.'),
  socialHideAuthErrorDetails: bool(SOC, true, "Social login errors say only what failed, not the provider's own error."),
  socialAllowedRedirectOrigins: list(SOC, [], 'Origins besides authkit\'s own and `FRONTEND_BASE_URL` that the browser flow may send the user back to (`next`).', 'origins like https://app.example.com', isOrigin),
} as const

export type SettingKey = keyof typeof SETTINGS
export type Config = { readonly [K in SettingKey]: (typeof SETTINGS)[K]['default'] }

/** `accessTokenLifetime` -> `ACCESS_TOKEN_LIFETIME`. */
export const settingName = (key: string) => key.replace(/([A-Z])/g, '_$1').toUpperCase()

export const SETTING_BY_NAME: ReadonlyMap<string, SettingKey> = new Map(
  (Object.keys(SETTINGS) as SettingKey[]).map((k) => [settingName(k), k]),
)

export function defaults(): Config {
  return Object.fromEntries(Object.entries(SETTINGS).map(([k, s]) => [k, s.default])) as Config
}
