import { describe, expect, it } from 'bun:test'
import { settingWarnings } from '../../src/config/warnings.ts'
import { type Config, defaults } from '../../src/config/settings.ts'

const cfg = (o: Partial<Config>): Config => ({ ...defaults(), publicUrl: 'https://auth.example.com', ...o })

describe('start-up warnings', () => {
  it('the defaults with PUBLIC_URL set raise none', () => {
    expect(settingWarnings(cfg({}))).toEqual([])
  })

  it('warn when instances on one PostgreSQL would each generate their own SECRET_KEY', () => {
    const url = 'postgres://authkit@db.internal/authkit'
    expect(settingWarnings(cfg({ databaseUrl: url })).join('\n')).toContain('give every instance on this database the same SECRET_KEY')
    expect(settingWarnings(cfg({ databaseUrl: url, secretKey: 'k'.repeat(40) }))).toEqual([])
  })

  it('warn about cookie combinations browsers reject', () => {
    expect(settingWarnings(cfg({ authCookieSamesite: 'None', authCookieSecure: false })).join('\n')).toContain('AUTH_COOKIE_SAMESITE=None without AUTH_COOKIE_SECURE')
    expect(settingWarnings(cfg({ authCookiePartitioned: true })).join('\n')).toContain('needs AUTH_COOKIE_SAMESITE=None')
    expect(settingWarnings(cfg({ authCookiePartitioned: true, authCookieSamesite: 'None', authCookieSecure: false })).join('\n')).toContain('partitioned cookies that are not Secure')
  })

  it('warn when cross-site frontends cannot receive the cookies', () => {
    expect(settingWarnings(cfg({ corsAllowedOrigins: ['https://app.example.org'] })).join('\n')).toContain('CORS_ALLOWED_ORIGINS is set but AUTH_COOKIE_SAMESITE=Lax')
  })

  it('do not warn about Lax cookies for a frontend on the same site', () => {
    expect(settingWarnings(cfg({ corsAllowedOrigins: ['https://app.example.com'] }))).toEqual([])
  })

  it('warn that links follow a forgeable Host header without PUBLIC_URL in production', () => {
    expect(settingWarnings(cfg({ publicUrl: null })).join('\n')).toContain('PUBLIC_URL is not set')
    expect(settingWarnings(cfg({ publicUrl: null })).join('\n')).toContain('ALLOWED_HOSTS (localhost, 127.0.0.1, [::1])')
    expect(settingWarnings(cfg({ publicUrl: null, debug: true, host: '127.0.0.1' }))).toEqual([])
  })

  it('warn when the testing UI and its mailbox are reachable from other machines (an explicit host under --dev)', () => {
    expect(settingWarnings(cfg({ debug: true, host: '0.0.0.0' })).join('\n')).toContain('testing UI and its mailbox (with live reset links) are reachable')
    expect(settingWarnings(cfg({ debug: true, host: '192.0.2.7' })).join('\n')).toContain('listening on 192.0.2.7')
    for (const host of ['127.0.0.1', 'localhost', '::1']) expect(settingWarnings(cfg({ debug: true, host }))).toEqual([])
  })
})
