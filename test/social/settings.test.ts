// SOCIAL_PROVIDERS from authkit.toml ([[SOCIAL_PROVIDERS]] tables) and AUTHKIT_SOCIAL_PROVIDERS (JSON): presets,
// overrides, and a bad table stopping start-up with one line that names the entry and the field.
import { describe, expect, it } from 'bun:test'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { CliIO } from '../../src/cli/commands.ts'
import { runCli } from '../../src/cli/index.ts'
import { describeConfig, loadConfig } from '../../src/config/load.ts'
import { tempDirs } from '../helpers/temp.ts'

const tempDir = tempDirs('authkit-social-settings-')

function withToml(toml: string) {
  const cwd = tempDir()
  writeFileSync(join(cwd, 'authkit.toml'), toml)
  return cwd
}

describe('SOCIAL_PROVIDERS', () => {
  it('reads TOML tables: presets fill the URLs, every URL and the scopes can be overridden', () => {
    const cwd = withToml(`
[[SOCIAL_PROVIDERS]]
slug = "github"
kind = "github"
client_id = "gh-id"
client_secret = "gh-secret"

[[SOCIAL_PROVIDERS]]
slug = "corp"
kind = "google"
client_id = "g-id"
client_secret = "g-secret"
issuer = "https://accounts.example.com"
token_url = "https://accounts.example.com/custom-token"
scopes = ["openid", "email"]
`)
    const { config } = loadConfig({ cwd, env: {} })
    const [github, corp] = config.socialProviders
    expect(github).toMatchObject({
      slug: 'github',
      name: 'GitHub',
      issuer: null,
      authorizationUrl: 'https://github.com/login/oauth/authorize',
      tokenUrl: 'https://github.com/login/oauth/access_token',
      userinfoUrl: 'https://api.github.com/user',
      emailsUrl: 'https://api.github.com/user/emails',
    })
    expect(corp).toMatchObject({ kind: 'google', issuer: 'https://accounts.example.com', tokenUrl: 'https://accounts.example.com/custom-token', scopes: ['openid', 'email'] })
  })

  it('reads AUTHKIT_SOCIAL_PROVIDERS as a JSON array of the same tables', () => {
    const env = { AUTHKIT_SOCIAL_PROVIDERS: JSON.stringify([{ slug: 'gitlab', kind: 'gitlab', client_id: 'x', client_secret: 'y' }]) }
    const { config } = loadConfig({ cwd: tempDir(), env })
    expect(config.socialProviders.map((p) => [p.slug, p.issuer])).toEqual([['gitlab', 'https://gitlab.com']])
  })

  const bad: [string, string, string][] = [
    ['a missing client_id', 'slug = "g"\nkind = "google"', 'entry 1 (slug "g"): client_id is required'],
    ['an unknown kind', 'slug = "g"\nkind = "myspace"\nclient_id = "x"', 'entry 1 (slug "g"): kind must be one of google, github, microsoft, gitlab, discord, apple, oidc'],
    ['a typo in a field name', 'slug = "g"\nkind = "google"\nclient_id = "x"\ntoken_uri = "https://x.example/t"', 'entry 1 (slug "g"): unknown field token_uri'],
    ['a plain-http provider URL off this machine', 'slug = "g"\nkind = "oidc"\nclient_id = "x"\nissuer = "http://idp.example.com"', 'entry 1 (slug "g"): issuer must be an https:// URL'],
    ['oidc without an issuer', 'slug = "o"\nkind = "oidc"\nclient_id = "x"', 'entry 1 (slug "o"): issuer is required for kind "oidc"'],
    ['a bad slug', 'slug = "Has Space"\nkind = "google"\nclient_id = "x"', 'entry 1 (slug "Has Space"): slug is required: lower-case letters'],
    ['a reserved slug', 'slug = "accounts"\nkind = "google"\nclient_id = "x"', 'entry 1 (slug "accounts"): slug "accounts" is reserved'],
    ['empty scopes', 'slug = "g"\nkind = "google"\nclient_id = "x"\nscopes = []', 'entry 1 (slug "g"): scopes must be a non-empty array of strings'],
  ]

  for (const [what, table, message] of bad) {
    it(`${what} stops start-up (exit 2) with one line naming the entry and the field, secrets not shown`, async () => {
      const cwd = withToml(`[[SOCIAL_PROVIDERS]]\nslug = "ok"\nkind = "github"\nclient_id = "fine"\nclient_secret = "very-secret-value"\n\n[[SOCIAL_PROVIDERS]]\n${table.replace('entry 1', 'entry 2')}\n`)
      const err: string[] = []
      const io: CliIO = { env: {}, cwd, stdout: () => {}, stderr: (t) => err.push(t), stdin: async () => '' }
      expect(await runCli(['serve', '--data', join(cwd, 'data')], io)).toBe(2)
      const lines = err.join('').trim().split('\n')
      expect(lines).toHaveLength(1)
      expect(lines[0]).toContain('SOCIAL_PROVIDERS')
      expect(lines[0]).toContain(message.replace('entry 1', 'entry 2'))
      expect(lines[0]).not.toContain('very-secret-value')
    })
  }

  it('authkit config shows the providers with their client secrets masked', () => {
    const env = { AUTHKIT_SOCIAL_PROVIDERS: JSON.stringify([{ slug: 'gitlab', kind: 'gitlab', client_id: 'the-id', client_secret: 'the-secret' }]) }
    const shown = describeConfig(loadConfig({ cwd: tempDir(), env }))
    const line = shown.split('\n').find((l) => l.startsWith('SOCIAL_PROVIDERS'))!
    expect(line).toContain('slug = "gitlab"')
    expect(line).toContain('client_id = "the-id"')
    expect(line).toContain('client_secret = "********"')
    expect(shown).not.toContain('the-secret')
  })

  it('two entries with one slug, or JSON that is not an array, are refused too', () => {
    const twice = JSON.stringify([
      { slug: 'g', kind: 'google', client_id: 'x' },
      { slug: 'g', kind: 'github', client_id: 'y' },
    ])
    expect(() => loadConfig({ cwd: tempDir(), env: { AUTHKIT_SOCIAL_PROVIDERS: twice } })).toThrow('slug "g" is used twice')
    expect(() => loadConfig({ cwd: tempDir(), env: { AUTHKIT_SOCIAL_PROVIDERS: '{"slug":' } })).toThrow('expected a JSON array of provider tables')
  })
})
