// The compiled executable loads some libraries only when a feature first needs them (passkeys' WebAuthn
// library, MFA's TOTP and QR code, the metrics registry, the Django importer), to keep every start fast.
// Bundled into one file they load differently than from source, so these run against the real binary.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildBinary, type Served, serveBinary } from '../helpers/binary.ts'

const FIXTURE = join(import.meta.dir, '..', 'fixtures', 'django-users.json')
const ENV = {
  AUTHKIT_SECRET_KEY: 'binary-features-secret-key-0123456789abcdef',
  AUTHKIT_USE_PASSKEYS: 'true',
  AUTHKIT_USE_MFA: 'true',
  AUTHKIT_METRICS_ENABLED: 'true',
  AUTHKIT_USE_AUTH_COOKIE: 'false',
  AUTHKIT_ACCESS_LOG: 'false',
  AUTHKIT_ARGON2_MEMORY_COST: '1024',
  AUTHKIT_ARGON2_TIME_COST: '1',
}

let binary = ''
let dir = ''
let data = ''
let server: Served | undefined

/** Runs a CLI command of the binary on the test's data directory: its exit code and output. */
async function cli(args: string[], stdin?: string) {
  const proc = Bun.spawn([binary, ...args, '--data', data], {
    env: { ...process.env, ...ENV },
    stdin: stdin === undefined ? 'ignore' : new Blob([stdin]),
    stdout: 'pipe',
    stderr: 'pipe',
  })
  const [code, out, err] = await Promise.all([proc.exited, new Response(proc.stdout).text(), new Response(proc.stderr).text()])
  return { code, out: out + err }
}

const post = (path: string, json: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server!.base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(json) })

beforeAll(async () => {
  const built = await buildBinary()
  if ('error' in built) throw new Error(built.error)
  binary = built.path
  // One data directory for the whole file (tempDirs removes its directories after each test).
  dir = mkdtempSync(join(tmpdir(), 'authkit-binfeat-'))
  data = join(dir, 'data')
  server = await serveBinary(binary, data, ENV)
}, 60_000)

afterAll(async () => {
  server?.proc.kill('SIGTERM')
  await server?.proc.exited
  rmSync(dir, { recursive: true, force: true })
  rmSync(join(binary, '..'), { recursive: true, force: true })
})

describe('features loaded on first use, in the compiled executable', () => {
  it('passkey sign-in options answer a challenge (the WebAuthn library loads)', async () => {
    const res = await post('/api/auth/passkeys/login/options', {})
    expect(res.status).toBe(200)
    const body = (await res.json()) as { challenge?: unknown; challenge_token?: unknown }
    expect(typeof body.challenge).toBe('string')
    expect(typeof body.challenge_token).toBe('string')
  })

  it('setting up the authenticator-app method answers its QR code (TOTP and QR libraries load)', async () => {
    const created = await cli(['users', 'create', '--username', 'alice', '--email', 'alice@example.com', '--password-stdin', '--verified'], 'Vq7!mZ2#pL9x-kite')
    expect(created.code, created.out).toBe(0)
    const login = await post('/api/auth/login/', { username: 'alice', password: 'Vq7!mZ2#pL9x-kite' })
    if (login.status !== 200) throw new Error(`login: ${login.status} ${await login.text()}`)
    const { access_token } = (await login.json()) as { access_token: string }
    const res = await post('/api/auth/mfa/', { method: 'app' }, { authorization: `Bearer ${access_token}` })
    expect(res.status).toBe(201)
    const body = (await res.json()) as { setup_data: { qr_link: string; qr_svg: string } }
    expect(body.setup_data.qr_link).toStartWith('otpauth://totp/')
    expect(body.setup_data.qr_svg).toContain('<svg')
  })

  it('/metrics answers the series (the metrics registry loads when METRICS_ENABLED)', async () => {
    const res = await fetch(`${server!.base}/metrics`)
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('authkit_logins_total')
  })

  it('users import --django reads a dump (the importer loads)', async () => {
    const r = await cli(['users', 'import', '--django', FIXTURE, '--dry-run'])
    expect(r.out).not.toContain('unexpected error')
    expect(r.code).toBe(0)
  })
})
