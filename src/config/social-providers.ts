// SOCIAL_PROVIDERS: the preset of each provider kind and the parsing of the setting (TOML tables or JSON).

/** A provider as configured: the preset of its kind with the table's overrides applied. */
export interface ProviderSpec {
  /** Route segment and the provider's name in responses. */
  readonly slug: string
  readonly kind: ProviderKind
  /** Shown on buttons ("Sign in with GitHub"). */
  readonly name: string
  readonly clientId: string
  readonly clientSecret: string
  /** OpenID Connect issuer (discovery, `iss` of ID tokens); null for plain OAuth 2 providers. */
  readonly issuer: string | null
  readonly authorizationUrl: string | null
  readonly tokenUrl: string | null
  readonly userinfoUrl: string | null
  readonly jwksUrl: string | null
  /** GitHub: the list of the user's addresses with their verified flags. */
  readonly emailsUrl: string | null
  readonly scopes: readonly string[]
}

export const PROVIDER_KINDS = ['google', 'github', 'microsoft', 'gitlab', 'discord', 'apple', 'oidc'] as const
export type ProviderKind = (typeof PROVIDER_KINDS)[number]

type Preset = Omit<ProviderSpec, 'slug' | 'kind' | 'clientId' | 'clientSecret'>
const none = { authorizationUrl: null, tokenUrl: null, userinfoUrl: null, jwksUrl: null, emailsUrl: null }

const PRESETS: Record<ProviderKind, Preset> = {
  google: { name: 'Google', issuer: 'https://accounts.google.com', ...none, scopes: ['openid', 'email', 'profile'] },
  microsoft: { name: 'Microsoft', issuer: 'https://login.microsoftonline.com/common/v2.0', ...none, scopes: ['openid', 'email', 'profile'] },
  gitlab: { name: 'GitLab', issuer: 'https://gitlab.com', ...none, scopes: ['openid', 'email', 'profile'] },
  apple: { name: 'Apple', issuer: 'https://appleid.apple.com', ...none, scopes: ['openid', 'email'] },
  oidc: { name: 'OpenID Connect', issuer: null, ...none, scopes: ['openid', 'email', 'profile'] },
  github: {
    name: 'GitHub',
    issuer: null,
    authorizationUrl: 'https://github.com/login/oauth/authorize',
    tokenUrl: 'https://github.com/login/oauth/access_token',
    userinfoUrl: 'https://api.github.com/user',
    jwksUrl: null,
    emailsUrl: 'https://api.github.com/user/emails',
    scopes: ['read:user', 'user:email'],
  },
  discord: {
    name: 'Discord',
    issuer: null,
    authorizationUrl: 'https://discord.com/oauth2/authorize',
    tokenUrl: 'https://discord.com/api/oauth2/token',
    userinfoUrl: 'https://discord.com/api/users/@me',
    jwksUrl: null,
    emailsUrl: null,
    scopes: ['identify', 'email'],
  },
}

/** Whether the provider speaks OpenID Connect (ID tokens, nonce, discovery) rather than plain OAuth 2. */
export const isOidc = (p: ProviderSpec) => p.issuer !== null

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]'])

/** http:// is accepted only for a provider on this machine (tests, a local identity server). */
export const isLoopback = (url: string) => LOOPBACK.has(new URL(url).hostname)

const FIELDS = ['slug', 'kind', 'name', 'client_id', 'client_secret', 'issuer', 'authorization_url', 'token_url', 'userinfo_url', 'jwks_url', 'emails_url', 'scopes']
const URL_FIELDS = { issuer: 'issuer', authorization_url: 'authorizationUrl', token_url: 'tokenUrl', userinfo_url: 'userinfoUrl', jwks_url: 'jwksUrl', emails_url: 'emailsUrl' } as const
/** Slugs taken by other routes under social/. */
const RESERVED = new Set(['accounts'])

const fail = (why: string): never => {
  throw why
}

function urlField(where: string, field: string, raw: unknown): string {
  if (typeof raw !== 'string') return fail(`${where}: ${field} must be a string URL`)
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return fail(`${where}: ${field} is not a URL`)
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(raw))) return raw.replace(/\/+$/, '')
  return fail(`${where}: ${field} must be an https:// URL (http:// only on localhost)`)
}

function parseOne(raw: unknown, i: number): ProviderSpec {
  let where = `entry ${i + 1}`
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail(`${where}: expected a table`)
  const t = raw as Record<string, unknown>
  if (typeof t.slug === 'string') where = `entry ${i + 1} (slug "${t.slug}")`
  for (const key of Object.keys(t)) if (!FIELDS.includes(key)) fail(`${where}: unknown field ${key} (allowed: ${FIELDS.join(', ')})`)
  const slug = typeof t.slug === 'string' && /^[a-z0-9][a-z0-9_-]{0,39}$/.test(t.slug) ? t.slug : fail(`${where}: slug is required: lower-case letters, digits, - and _`)
  if (RESERVED.has(slug)) fail(`${where}: slug "${slug}" is reserved`)
  const kind = (PROVIDER_KINDS as readonly unknown[]).includes(t.kind) ? (t.kind as ProviderKind) : fail(`${where}: kind must be one of ${PROVIDER_KINDS.join(', ')}`)
  const clientId = typeof t.client_id === 'string' && t.client_id !== '' ? t.client_id : fail(`${where}: client_id is required`)
  const clientSecret = t.client_secret === undefined ? '' : typeof t.client_secret === 'string' ? t.client_secret : fail(`${where}: client_secret must be a string`)
  const preset = PRESETS[kind]
  const urls: Record<string, string | null> = {}
  for (const [field, key] of Object.entries(URL_FIELDS)) urls[key] = t[field] === undefined ? preset[key] : urlField(where, field, t[field])
  const scopes =
    t.scopes === undefined
      ? preset.scopes
      : Array.isArray(t.scopes) && t.scopes.length > 0 && t.scopes.every((s) => typeof s === 'string' && /^\S+$/.test(s))
        ? (t.scopes as string[])
        : fail(`${where}: scopes must be a non-empty array of strings`)
  const name = t.name === undefined ? preset.name : typeof t.name === 'string' && t.name.trim() ? t.name.trim() : fail(`${where}: name must be a string`)
  const spec: ProviderSpec = { slug, kind, name, clientId, clientSecret, ...(urls as Pick<ProviderSpec, (typeof URL_FIELDS)[keyof typeof URL_FIELDS]>), scopes }
  if (kind === 'oidc' && !spec.issuer) fail(`${where}: issuer is required for kind "oidc" (its discovery document and the iss of its ID tokens)`)
  if (!isOidc(spec) && (!spec.authorizationUrl || !spec.tokenUrl || !spec.userinfoUrl)) fail(`${where}: authorization_url, token_url and userinfo_url are required`)
  return spec
}

/** Parses SOCIAL_PROVIDERS (an array of tables, or that array as JSON text); throws one line naming the entry and field. */
export function parseProviders(raw: unknown): ProviderSpec[] {
  let value = raw
  if (typeof raw === 'string') {
    if (raw.trim() === '') return []
    try {
      value = JSON.parse(raw)
    } catch {
      return fail('expected a JSON array of provider tables')
    }
  }
  if (!Array.isArray(value)) return fail('expected an array of provider tables')
  const specs = value.map(parseOne)
  const seen = new Set<string>()
  for (const s of specs) {
    if (seen.has(s.slug)) fail(`slug "${s.slug}" is used twice`)
    seen.add(s.slug)
  }
  return specs
}

/** The providers as TOML inline tables for `authkit config`, client secrets masked. */
export function showProviders(specs: readonly ProviderSpec[]): string {
  const table = (p: ProviderSpec) =>
    [
      `slug = ${JSON.stringify(p.slug)}`,
      `kind = ${JSON.stringify(p.kind)}`,
      `client_id = ${JSON.stringify(p.clientId)}`,
      `client_secret = ${p.clientSecret ? '"********"' : '""'}`,
      ...(p.issuer ? [`issuer = ${JSON.stringify(p.issuer)}`] : []),
    ].join(', ')
  return `[${specs.map((p) => `{ ${table(p)} }`).join(', ')}]`
}
