import { describe, expect, it } from 'bun:test'
import { join } from 'node:path'
import { createUsersRepo } from '../../src/users/users.repo.ts'
import { verifyPassword } from '../../src/users/passwords.ts'
import { VERSION, settingsFrom } from '../../src/cli/index.ts'
import { dbPath, openDatabase } from '../../src/db/open.ts'
import { createOutboxRepo } from '../../src/mail/outbox.repo.ts'
import { cli } from './helpers.ts'

describe('usage', () => {
  it('--version prints the version', async () => {
    const c = cli()
    expect(await c.run('--version')).toBe(0)
    expect(c.out()).toBe(`authkit ${VERSION}\n`)
  })

  it('--help prints the usage with every command', async () => {
    const c = cli()
    expect(await c.run('--help')).toBe(0)
    expect(c.out()).toContain('Usage: authkit [command] [options]')
  })

  const usageErrors: [string, string[], string][] = [
    ['an unknown command', ['frobnicate'], 'unknown command "frobnicate"'],
    ['an unknown sub-command', ['outbox', 'purge'], 'unknown command "outbox purge"'],
    ['an unknown flag', ['serve', '--prot', '80'], 'unknown option --prot'],
    ['a short flag', ['-p', '80'], 'unknown option -p'],
    ['a flag of another command', ['config', '--json'], 'unknown option --json'],
    ['a flag without its value', ['serve', '--port'], '--port needs a value'],
    ['a value given to a switch', ['serve', '--dev=yes'], '--dev takes no value'],
    ['a stray argument', ['config', '--dev', 'extra'], 'unexpected argument "extra"'],
  ]
  for (const [what, argv, message] of usageErrors) {
    it(`${what} prints the usage and exits 2`, async () => {
      const c = cli()
      expect(await c.run(...argv)).toBe(2)
      expect(c.err()).toContain(message)
      expect(c.err()).toContain('Usage:')
      expect(c.out()).toBe('')
    })
  }

  it('--help lists every command and points to authkit config for the settings', async () => {
    const c = cli()
    expect(await c.run('--help')).toBe(0)
    for (const cmd of ['serve', 'config', 'outbox list', 'users create', 'keys rotate']) expect(c.out()).toMatch(new RegExp(`\\n  ${cmd} +\\S`))
    expect(c.out()).toContain('`authkit config` lists every setting')
  })

  it('options may come before the command', async () => {
    const c = cli()
    await Bun.write(join(c.cwd, 'f.toml'), 'SITE_NAME = "Before"\n')
    expect(await c.run('--config', 'f.toml', 'config')).toBe(0)
    expect(c.out()).toContain('SITE_NAME = "Before"  # file')
    const d = cli()
    expect(await d.run('--dev', '--data', '/srv/x', 'config')).toBe(0)
    expect(d.out()).toContain('DATA_DIR = "/srv/x"  # flag')
    expect(d.out()).toContain('DEBUG = true  # dev')
  })

  it('an unknown setting names the closest known one (environment and TOML)', async () => {
    const c = cli({ env: { AUTHKIT_CORS_ORIGINS: 'https://app.example.com' } })
    expect(await c.run('config')).toBe(2)
    expect(c.err()).toContain('unknown setting CORS_ORIGINS (from environment variable AUTHKIT_CORS_ORIGINS); did you mean AUTHKIT_CORS_ALLOWED_ORIGINS?')
    expect(c.err()).toContain('`authkit config` lists every setting')
    const t = cli()
    await Bun.write(join(t.cwd, 'authkit.toml'), 'ACCESS_TOKEN_LIFETIM = "5m"\n')
    expect(await t.run('config')).toBe(2)
    expect(t.err()).toContain('did you mean ACCESS_TOKEN_LIFETIME?')
    const far = cli({ env: { AUTHKIT_ZZZZZZZZ: '1' } })
    expect(await far.run('config')).toBe(2)
    expect(far.err()).not.toContain('did you mean')
  })

  it('list settings accept a JSON array or commas, in the environment and in TOML', async () => {
    for (const value of ['["https://a.example.com", "https://b.example.com"]', 'https://a.example.com, https://b.example.com']) {
      const c = cli({ env: { AUTHKIT_CORS_ALLOWED_ORIGINS: value } })
      expect(await c.run('config')).toBe(0)
      expect(c.out()).toContain('CORS_ALLOWED_ORIGINS = ["https://a.example.com","https://b.example.com"]  # env')
    }
    for (const value of ['["username"]', '"username"', '"username,email"']) {
      const t = cli()
      await Bun.write(join(t.cwd, 'authkit.toml'), `ACCOUNT_LOGIN_METHODS = ${value}\n`)
      expect(await t.run('config')).toBe(0)
      expect(t.out()).toContain('ACCOUNT_LOGIN_METHODS = ["username"')
    }
    const rate = cli({ env: { AUTHKIT_ACCOUNT_RATE_LIMITS: '["login=5/m/ip"]' } })
    expect(await rate.run('config')).toBe(0)
    expect(rate.out()).toContain('"login=5/m/ip"')
    const bad = cli({ env: { AUTHKIT_CORS_ALLOWED_ORIGINS: '["https://a.example.com",' } })
    expect(await bad.run('config')).toBe(2)
    expect(bad.err()).toContain('expected a JSON array like')
  })

  it('a bad setting exits 2 with one line naming it', async () => {
    const c = cli({ env: { AUTHKIT_AUTH_TYPE: 'banana' } })
    expect(await c.run('serve')).toBe(2)
    expect(c.err().trim().split('\n')).toHaveLength(1)
    expect(c.err()).toContain('AUTH_TYPE')
  })
})

describe('authkit config', () => {
  it('prints the effective settings with their sources and masked secrets', async () => {
    const c = cli({ env: { AUTHKIT_SECRET_KEY: 'z'.repeat(40), AUTHKIT_SITE_NAME: 'Acme' } })
    expect(await c.run('config', '--dev', '--data', '/srv/authkit')).toBe(0)
    expect(c.out()).toContain('SITE_NAME = "Acme"  # env')
    expect(c.out()).toContain('DEBUG = true  # dev')
    expect(c.out()).toContain('DATA_DIR = "/srv/authkit"  # flag')
    expect(c.out()).toContain('SECRET_KEY = "********"')
    expect(c.out()).not.toContain('z'.repeat(40))
  })
})

describe('authkit users create', () => {
  it('creates a user with a hashed password, optionally verified', async () => {
    const c = cli()
    expect(await c.run('users', 'create', '--username', 'root', '--email', 'Root@Example.com', '--password', 'correct horse battery', '--verified', '--data', c.data)).toBe(0)
    expect(c.out()).toContain('created user 1 root <root@example.com> (verified)')
    const db = openDatabase(dbPath(c.data))
    const user = (await createUsersRepo(db).byUsername('root'))!
    await db.close()
    expect(user.email).toBe('root@example.com')
    expect(user.email_verified).toBe(1)
    expect(user.password_hash).toStartWith('$argon2id$')
    expect(await verifyPassword('correct horse battery', user.password_hash)).toBe(true)
  })

  it('reads the password from standard input with --password-stdin', async () => {
    const c = cli({ stdin: 'from stdin secret\n' })
    expect(await c.run('users', 'create', '--username', 'ann', '--email', 'ann@example.com', '--password-stdin', '--data', c.data)).toBe(0)
    const db = openDatabase(dbPath(c.data))
    const user = (await createUsersRepo(db).byUsername('ann'))!
    await db.close()
    expect(user.email_verified).toBe(0)
    expect(await verifyPassword('from stdin secret', user.password_hash)).toBe(true)
  })

  it('refuses a duplicate username or e-mail, whatever the case', async () => {
    const c = cli()
    await c.run('users', 'create', '--username', 'ann', '--email', 'ann@example.com', '--password', 'long enough pw', '--data', c.data)
    expect(await c.run('users', 'create', '--username', 'ANN', '--email', 'other@example.com', '--password', 'long enough pw', '--data', c.data)).toBe(1)
    expect(c.err()).toContain('username already exists')
    expect(await c.run('users', 'create', '--username', 'bob', '--email', 'ANN@example.com', '--password', 'long enough pw', '--data', c.data)).toBe(1)
    expect(c.err()).toContain('already registered with this e-mail')
  })

  const bad: [string, string[], string][] = [
    ['no username', ['--email', 'a@example.com', '--password', 'long enough pw'], 'needs --username'],
    ['a bad username', ['--username', 'a b', '--email', 'a@example.com', '--password', 'long enough pw'], '--username may contain only'],
    ['a bad e-mail', ['--username', 'ab', '--email', 'nope', '--password', 'long enough pw'], '--email is not a valid'],
    ['no password', ['--username', 'ab', '--email', 'a@example.com'], 'a password of at least 8'],
    ['both password sources', ['--username', 'ab', '--email', 'a@example.com', '--password', 'long enough pw', '--password-stdin'], 'not both'],
  ]
  for (const [what, args, message] of bad) {
    it(`refuses ${what} with exit 2 and creates nothing`, async () => {
      const c = cli()
      expect(await c.run('users', 'create', ...args, '--data', c.data)).toBe(2)
      expect(c.err()).toContain(message)
    })
  }
})

describe('authkit outbox list', () => {
  it('prints the outbox newest first, as JSON with --json', async () => {
    const c = cli()
    expect(await c.run('outbox', 'list', '--json', '--data', c.data)).toBe(0)
    expect(JSON.parse(c.out())).toEqual([])

    const db = openDatabase(dbPath(c.data))
    const outbox = createOutboxRepo(db)
    await outbox.add({ to: 'a@example.com', subject: 'First', text: 'one', kind: 'verify_email' }, Date.UTC(2026, 0, 1))
    await outbox.add({ to: 'b@example.com', subject: 'Second', text: 'two', html: '<p>two</p>', kind: 'password_reset' }, Date.UTC(2026, 0, 2))
    await db.close()

    const c2 = { ...c, outStart: c.out().length }
    expect(await c.run('outbox', 'list', '--json', '--data', c.data)).toBe(0)
    const list = JSON.parse(c.out().slice(c2.outStart))
    expect(list.map((m: { subject: string }) => m.subject)).toEqual(['Second', 'First'])
    expect(list[0]).toMatchObject({ to: 'b@example.com', text: 'two', html: '<p>two</p>', kind: 'password_reset', created_at: '2026-01-02T00:00:00.000Z', sent_at: null })
    expect(Object.keys(list[0])).toEqual(expect.arrayContaining(['id', 'to', 'subject', 'text', 'html', 'kind', 'created_at', 'sent_at']))

    const before = c.out().length
    expect(await c.run('outbox', 'list', '--data', c.data)).toBe(0)
    expect(c.out().slice(before)).toContain('password_reset  to b@example.com  (queued)')
  })
})

describe('output through a pipe', () => {
  it('outbox list --json piped into a slow reader arrives whole (> 256 KiB), not cut at 64 KiB', async () => {
    const c = cli()
    expect(await c.run('outbox', 'list', '--data', c.data)).toBe(0) // creates the data directory
    const db = openDatabase(dbPath(c.data))
    const outbox = createOutboxRepo(db)
    for (let i = 0; i < 200; i++) await outbox.add({ to: `u${i}@example.com`, subject: `Mail ${i}`, text: 'x'.repeat(2000), kind: 'verify_email' }, Date.now())
    await db.close()
    const main = new URL('../../src/main.ts', import.meta.url).pathname
    // A real pipe into another program that starts reading late, as `| jq` may.
    const proc = Bun.spawn(['sh', '-c', `"$0" "$1" outbox list --json --data "$2" | (sleep 0.3; cat)`, process.execPath, main, c.data], {
      stdout: 'pipe',
      stderr: 'pipe',
      env: { PATH: process.env.PATH ?? '', HOME: c.cwd },
      cwd: c.cwd,
    })
    const text = await new Response(proc.stdout).text()
    expect(await proc.exited).toBe(0)
    expect(text.length).toBeGreaterThan(256 * 1024)
    const list = JSON.parse(text) as { subject: string }[]
    expect(list).toHaveLength(200)
    expect(list.at(-1)!.subject).toBe('Mail 0')
  })
})

describe('authkit serve', () => {
  it('serves /healthz and stops gracefully with exit 0 when signalled', async () => {
    let stop!: (s: string) => void
    const stopSignal = new Promise<string>((r) => {
      stop = r
    })
    const c = cli({ stopSignal })
    const port = 20000 + Math.floor(Math.random() * 20000)
    const exit = c.run('serve', '--port', String(port), '--host', '127.0.0.1', '--data', c.data)
    let res: Response | undefined
    for (let i = 0; i < 50 && !res; i++) {
      res = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined)
      if (!res) await Bun.sleep(20)
    }
    expect(res?.status).toBe(200)
    expect(await res!.json()).toEqual({ status: 'ok' })
    stop('SIGTERM')
    expect(await exit).toBe(0)
    expect(await fetch(`http://127.0.0.1:${port}/healthz`).then(() => 'answered', () => 'refused')).toBe('refused')
  })

  it('--dev listens on this machine only (its mailbox shows live reset links), unless --host or HOST says otherwise', async () => {
    const c = cli()
    expect(await c.run('config', '--dev', '--data', c.data)).toBe(0)
    expect(c.out()).toContain('HOST = "127.0.0.1"  # dev')
    const io = { env: {}, cwd: c.cwd, stdout() {}, stderr() {}, stdin: async () => '' }
    expect(settingsFrom({ dev: true, host: '0.0.0.0', data: c.data }, io).config.host).toBe('0.0.0.0')
    const env = cli({ env: { AUTHKIT_HOST: '0.0.0.0' } })
    expect(await env.run('config', '--dev', '--data', env.data)).toBe(0)
    expect(env.out()).toContain('HOST = "0.0.0.0"  # env')

    let stop!: (s: string) => void
    const stopSignal = new Promise<string>((r) => {
      stop = r
    })
    const dev = cli({ stopSignal })
    const port = 20000 + Math.floor(Math.random() * 20000)
    const exit = dev.run('serve', '--dev', '--port', String(port), '--data', dev.data)
    let res: Response | undefined
    for (let i = 0; i < 50 && !res; i++) {
      res = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined)
      if (!res) await Bun.sleep(20)
    }
    expect(res?.status).toBe(200)
    // Another address of this machine, as a neighbour on the network would reach it: nothing listens there.
    const { networkInterfaces } = await import('node:os')
    const external = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal)
    if (external) expect(await fetch(`http://${external.address}:${port}/healthz`).then(() => 'answered', () => 'refused')).toBe('refused')
    stop('SIGTERM')
    expect(await exit).toBe(0)
  })

  it('refuses a database written by a newer authkit with exit 2', async () => {
    const c = cli()
    expect(await c.run('outbox', 'list', '--data', c.data)).toBe(0)
    const { Database } = await import('bun:sqlite')
    const raw = new Database(dbPath(c.data))
    raw.exec('PRAGMA user_version = 999')
    raw.close()
    expect(await c.run('outbox', 'list', '--data', c.data)).toBe(2)
    expect(c.err()).toContain('newer authkit')
  })
})
