// Builds the real single-file executable (package.json's build script, into a temporary folder) and runs
// `authkit serve` from it on 127.0.0.1, for tests that need the shipped binary and real processes.
import type { Subprocess } from 'bun'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dir, '../..')

/** The built executable's path, or why it could not be built. */
export async function buildBinary(): Promise<{ path: string } | { error: string }> {
  const pkg = (await Bun.file(join(root, 'package.json')).json()) as { scripts: { build: string } }
  const path = join(mkdtempSync(join(tmpdir(), 'authkit-bin-')), 'authkit')
  // The same flags as `bun run build`, so the test runs what ships; only the output path differs.
  const argv = pkg.scripts.build.split(/\s+/).map((w) => (w === 'dist/authkit' ? path : w))
  if (argv[0] !== 'bun') return { error: `unexpected build script: ${pkg.scripts.build}` }
  const proc = Bun.spawn([process.execPath, ...argv.slice(1)], { cwd: root, stdout: 'pipe', stderr: 'pipe' })
  if ((await proc.exited) !== 0) return { error: `bun run build failed: ${(await new Response(proc.stderr).text()).trim().slice(0, 500)}` }
  return { path }
}

/** A port the kernel says is free right now on 127.0.0.1. */
export function freePort(): number {
  const probe = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } })
  const { port } = probe
  probe.stop(true)
  return port
}

export interface Served {
  readonly proc: Subprocess
  readonly base: string
}

/** Starts `binary serve` on `dataDir` with `env` (added to a clean environment) and waits for /healthz. */
export async function serveBinary(binary: string, dataDir: string, env: Record<string, string>): Promise<Served> {
  const port = freePort()
  const base = `http://127.0.0.1:${port}`
  const clean: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('AUTHKIT_')) clean[k] = v
  const proc = Bun.spawn([binary, 'serve', '--host', '127.0.0.1', '--port', String(port), '--data', dataDir], {
    env: { ...clean, ...env },
    stdout: 'ignore',
    stderr: 'pipe',
  })
  const until = performance.now() + 15_000
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      throw new Error(`authkit exited (${proc.exitCode ?? proc.signalCode}): ${(await new Response(proc.stderr).text()).trim()}`)
    }
    try {
      if ((await fetch(`${base}/healthz`)).status === 200) return { proc, base }
    } catch {
      // not listening yet
    }
    if (performance.now() > until) {
      proc.kill('SIGKILL')
      throw new Error(`no 200 from ${base}/healthz within 15 s`)
    }
    await Bun.sleep(20)
  }
}
