// ACCOUNT_RATE_LIMITS in allauth's terms: the throttled actions, their defaults, and the parser of
// `action=N/period/scope` lists. As in allauth, an action you list replaces that action's defaults and
// the others keep theirs (tightening one limit never silently drops the rest); `action=` turns one off.
import { listItems } from './lists.ts'

export type RateScope = 'ip' | 'key' | 'user'

interface ActionSpec {
  /** The scopes this action can be counted per (a route has no `user` before login, no `key` without one). */
  readonly scopes: readonly RateScope[]
  readonly defaults: readonly string[]
  /** For the setting's documentation: what is counted, and what the key is. */
  readonly doc: string
}

// allauth's defaults (ACCOUNT_RATE_LIMITS in allauth/account/app_settings.py), and mfa_login.
export const RATE_ACTIONS = {
  login: { scopes: ['ip', 'key'], defaults: ['30/m/ip'], doc: 'every login/ (and passkeys/login/) attempt, counted before any password or signature is checked' },
  login_failed: {
    scopes: ['ip', 'key'],
    defaults: ['10/m/ip', '5/5m/key'],
    doc: 'failed logins (key: the account, however it is named; or the name when there is none), past the limit even the right password gets 429 until the window ends, a success clears its key',
  },
  signup: { scopes: ['ip', 'key'], defaults: ['20/m/ip'], doc: 'registration/ (key: the e-mail)' },
  reset_password: {
    scopes: ['ip', 'key'],
    defaults: ['20/m/ip', '5/m/key'],
    doc: 'password/reset/ (key: the e-mail), past the key limit the same 200 and no mail',
  },
  reset_password_from_key: { scopes: ['ip'], defaults: ['20/m/ip'], doc: 'password/reset/confirm/' },
  confirm_email: {
    scopes: ['ip', 'key'],
    defaults: ['1/3m/key'],
    doc: 'registration/resend-email/ (key: the e-mail), past the key limit the same 200 and no mail',
  },
  change_password: { scopes: ['ip', 'user'], defaults: ['5/m/user'], doc: 'password/change/' },
  // authkit's own (USE_MFA): the second login step, where codes are guessed and mailed.
  mfa_login: { scopes: ['ip'], defaults: ['10/m/ip'], doc: 'login/verify/ and login/resend/ (USE_MFA)' },
  login_link: {
    scopes: ['ip', 'key'],
    defaults: ['20/m/ip', '5/m/key'],
    doc: 'login/email-link/ (key: the e-mail), past the key limit the same 200 and no mail',
  },
  login_link_verify: { scopes: ['ip'], defaults: ['20/m/ip'], doc: 'login/email-link/verify/' },
} as const satisfies Record<string, ActionSpec>

export type RateAction = keyof typeof RATE_ACTIONS
const ACTIONS = Object.keys(RATE_ACTIONS) as RateAction[]

/** One limit: at most `limit` requests per `periodSeconds` window, counted per `scope`. */
export interface RateLimit {
  readonly action: RateAction
  readonly limit: number
  readonly periodSeconds: number
  readonly scope: RateScope
}

export const RATE_LIMITS_ALLOWED = 'comma-separated action=N/period/scope entries, or empty for no limits'

export const RATE_LIMITS_DOC =
  'Throttling of the account endpoints, in allauth\'s terms: comma-separated `action=N/period/scope` entries (N requests per ' +
  'period, like `30s`, `m`, `5m`, `h`, `d` or seconds, counted from the first request of a window; scope `ip` = the client, ' +
  '`key` = the username or e-mail the request names, in lower case, `user` = the logged-in account); an action may have several. Listing an action replaces its ' +
  'defaults, `action=` turns it off, an empty value turns every limit off. Over a limit: 429 with `Retry-After`. Actions: ' +
  ACTIONS.map((a) => `\`${a}\`: ${RATE_ACTIONS[a].doc}`).join('; ') +
  '. Counters live in the database: they survive restarts and are shared by every process using it.'

const fail = (why: string): never => {
  throw why
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 }

/** `5/m/ip` -> its parts; the period is a count and/or a unit (`m` = `1m`; a bare number is seconds). */
function parseRule(action: RateAction, rule: string, entry: string): RateLimit {
  const m = /^(\d+)\/(\d*)([smhd]?)\/([a-z]+)$/.exec(rule)
  if (!m || (m[2] === '' && m[3] === '')) return fail(`"${entry}" is not action=N/period/scope (e.g. login=30/m/ip)`)
  const limit = Number(m[1])
  const periodSeconds = Number(m[2] || 1) * UNITS[m[3] || 's']!
  const scope = m[4] as RateScope
  if (limit < 1 || periodSeconds < 1) return fail(`"${entry}": the count and the period must be at least 1 (use "${action}=" to turn it off)`)
  const scopes: readonly RateScope[] = RATE_ACTIONS[action].scopes
  if (!scopes.includes(scope)) return fail(`"${entry}": ${action} is counted per ${scopes.join(' or ')}`)
  return { action, limit, periodSeconds, scope }
}

/** The entries of a raw value, per action; an action listed with no rules (`login=`) maps to []. */
function parseEntries(items: readonly string[]): Map<RateAction, { text: string; rule: RateLimit }[]> {
  const given = new Map<RateAction, { text: string; rule: RateLimit }[]>()
  for (const entry of items) {
    const eq = entry.indexOf('=')
    if (eq === -1) fail(`"${entry}" is not action=N/period/scope (e.g. login=30/m/ip)`)
    const action = entry.slice(0, eq).trim()
    if (!(ACTIONS as string[]).includes(action)) fail(`unknown action "${action}": expected one of ${ACTIONS.join(', ')}`)
    const list = given.get(action as RateAction) ?? []
    given.set(action as RateAction, list)
    const text = entry.slice(eq + 1).replace(/\s+/g, '')
    if (text === '') continue
    const rule = parseRule(action as RateAction, text, entry)
    const twin = list.find((r) => r.rule.scope === rule.scope && r.rule.periodSeconds === rule.periodSeconds)
    if (twin) fail(`${action} has two limits per ${rule.scope} over the same period (${twin.text} and ${text})`)
    list.push({ text, rule })
  }
  return given
}

/**
 * The setting's parser: a comma-separated string or a TOML array -> the effective entries, every action
 * listed (defaults filled in, `action=` for one turned off), so parsing its own output changes nothing.
 */
export function parseRateLimitsSetting(raw: unknown): string[] {
  const entries = listItems(raw, RATE_LIMITS_ALLOWED)
  if (entries.length === 0) return []
  const given = parseEntries(entries)
  return ACTIONS.flatMap((action) => {
    const rules = given.get(action)?.map((r) => r.text) ?? RATE_ACTIONS[action].defaults
    return rules.length ? rules.map((r) => `${action}=${r}`) : [`${action}=`]
  })
}

export const DEFAULT_RATE_LIMITS: readonly string[] = ACTIONS.flatMap((a) => RATE_ACTIONS[a].defaults.map((r) => `${a}=${r}`))

/** The limits a parsed setting stands for (entries are already checked; `action=` yields none). */
export function rateLimits(entries: readonly string[]): RateLimit[] {
  return [...parseEntries(entries).values()].flatMap((list) => list.map((r) => r.rule))
}
