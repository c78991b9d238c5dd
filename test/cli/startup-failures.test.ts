// Start-up failures of the real executable: one line naming the cause and the fix, exit 1, never source
// code or a stack trace; and a start with EMAIL_URL set prints no deprecation warning.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { dataDirFailure } from '../../src/cli/startup-failures.ts'
import { tempDirs } from '../helpers/temp.ts'

const ROOT = resolve(import.meta.dir, '../..')
const MAIN = join(ROOT, 'src/main.ts')
const tempDir = tempDirs('authkit-startup-')
const ENV = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', AUTHKIT_PUBLIC_URL: 'http://localhost:8000' }

async function run(cmd: string[], cwd: string, env: Record<string, string> = {}) {
  const p = Bun.spawn(cmd, { cwd, env: { ...ENV, ...env }, stdout: 'pipe', stderr: 'pipe' })
  const killer = setTimeout(() => p.kill('SIGKILL'), 15_000)
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited])
  clearTimeout(killer)
  return { out, err, code }
}

/** The failure is exactly one line on stderr, starting with "authkit: ", with no source or stack in it. */
function expectOneLine(err: string) {
  const lines = err.trimEnd().split('\n')
  expect(lines).toHaveLength(1)
  expect(lines[0]).toStartWith('authkit: ')
  expect(err).not.toMatch(/\n\s+at |\bBun v\d|error: |\{\s*$/)
}

/** A port something else listens on. */
function busyPort() {
  const server = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } })
  return { port: server.port, stop: () => server.stop(true) }
}

const cases = (argv0: () => string[]) => {
  it('a port in use: one line naming the address and --port, exit 1', async () => {
    const busy = busyPort()
    try {
      const cwd = tempDir()
      const r = await run([...argv0(), 'serve', '--host', '127.0.0.1', '--port', String(busy.port), '--data', 'd'], cwd)
      expect(r.code).toBe(1)
      expectOneLine(r.err)
      expect(r.err).toContain(`cannot listen on 127.0.0.1:${busy.port}: the address is already in use`)
      expect(r.err).toContain('--port')
    } finally {
      busy.stop()
    }
  })

  it('an unusable --data directory: one line naming it and the fix, exit 1', async () => {
    const cwd = tempDir()
    writeFileSync(join(cwd, 'file'), 'x')
    const r = await run([...argv0(), 'serve', '--port', '0', '--data', 'file/data'], cwd)
    expect(r.code).toBe(1)
    expectOneLine(r.err)
    expect(r.err).toContain(`cannot use the data directory ${join(cwd, 'file/data')}: a file is in the way`)
  })

  it('an unreadable config file: one line naming it, exit 1', async () => {
    const cwd = tempDir()
    mkdirSync(join(cwd, 'conf.toml'))
    const r = await run([...argv0(), 'config', '--config', 'conf.toml'], cwd)
    expect(r.code).toBe(1)
    expectOneLine(r.err)
    expect(r.err).toContain('cannot read config file')
  })
}

describe('start-up failures (bun src/main.ts)', () => {
  cases(() => ['bun', MAIN])

  it('the data directory failures the test machine cannot cause name cause and fix', () => {
    const err = (code: string) => Object.assign(new Error('x'), { code })
    expect(dataDirFailure(err('EACCES'), '/srv/d').message).toContain('permission denied; make it writable by the user running authkit')
    expect(dataDirFailure(err('ENOSPC'), '/srv/d').message).toContain('the disk is full; free space')
    expect(dataDirFailure(err('SQLITE_FULL'), '/srv/d').message).toContain('the disk is full')
    expect(dataDirFailure(err('EROFS'), '/srv/d').message).toContain('read-only')
    for (const code of ['EACCES', 'ENOSPC', 'EROFS', 'SQLITE_CANTOPEN', 'EWHATEVER']) {
      const line = dataDirFailure(err(code), '/srv/d').message
      expect(line).toStartWith('authkit: cannot use the data directory /srv/d:')
      expect(line).toContain('--data')
      expect(line).not.toContain('\n')
    }
  })
})

describe('start-up of the compiled executable', () => {
  let dir = ''
  const bin = () => join(dir, 'authkit')
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'authkit-bin-'))
    const args = ['build', '--compile', '--production', '--no-compile-autoload-dotenv', '--no-compile-autoload-bunfig', MAIN, '--outfile', bin()]
    const b = Bun.spawnSync(['bun', ...args], { cwd: ROOT, stdout: 'pipe', stderr: 'pipe' })
    if (b.exitCode !== 0) throw new Error(`build failed: ${b.stderr.toString()}`)
  }, 120_000)
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  cases(() => [bin()])

  it('with EMAIL_URL set, start and stop print nothing on stderr (no DEP0169 url.parse() warning)', async () => {
    const cwd = tempDir()
    const p = Bun.spawn([bin(), 'serve', '--host', '127.0.0.1', '--port', '0', '--data', 'd'], {
      cwd,
      env: { ...ENV, AUTHKIT_EMAIL_URL: 'smtp://user:secret@127.0.0.1:1' },
      stdout: 'pipe',
      stderr: 'pipe',
    })
    const reader = p.stdout.getReader()
    let out = ''
    while (!out.includes('delivering e-mail')) {
      const { value, done } = await reader.read()
      if (done) break
      out += new TextDecoder().decode(value)
    }
    await Bun.sleep(200) // a warning is printed right after the transport is made
    p.kill('SIGTERM')
    expect(await p.exited).toBe(0)
    const err = await new Response(p.stderr).text()
    expect(err).not.toContain('DeprecationWarning')
    expect(err).toBe('')
  }, 20_000)
})
