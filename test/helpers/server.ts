// Starts `bun src/main.ts serve` as a real process on a free loopback port, for tests that need a server
// another program (nginx, a second CLI process) talks to.
import type { Subprocess } from 'bun'
import { createServer } from 'node:net'
import { join } from 'node:path'

const ROOT = join(import.meta.dir, '..', '..')

export interface RunningServer {
  readonly origin: string
  readonly port: number
  readonly process: Subprocess
  /** SIGTERM, then waits for the exit code. */
  stop(): Promise<number>
}

/** `env` holds AUTHKIT_* settings; the rest of the environment is left out so a developer's variables change nothing. */
export async function startServer(dataDir: string, env: Record<string, string> = {}): Promise<RunningServer> {
  const config = join(dataDir, '..', `${dataDir.split('/').at(-1)}-empty.toml`)
  await Bun.write(config, '')
  const args = ['serve', '--host', '127.0.0.1', '--port', '0', '--data', dataDir, '--config', config]
  const proc = Bun.spawn([process.execPath, join(ROOT, 'src', 'main.ts'), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dataDir, AUTHKIT_ARGON2_MEMORY_COST: '1024', AUTHKIT_ARGON2_TIME_COST: '1', ...env },
    stdout: 'pipe',
    stderr: 'inherit',
  })
  const reader = (proc.stdout as ReadableStream<Uint8Array>).getReader()
  let out = ''
  for (;;) {
    const { value, done } = await reader.read()
    if (done) throw new Error(`the server exited before listening:\n${out}`)
    out += new TextDecoder().decode(value)
    const m = /listening on (http:\/\/127\.0\.0\.1:(\d+))/.exec(out)
    if (m) {
      // Keep draining its output (the access log) so the pipe never fills and blocks the server.
      void (async () => {
        while (!(await reader.read()).done);
      })().catch(() => {})
      return {
        origin: m[1]!,
        port: Number(m[2]),
        process: proc,
        async stop() {
          proc.kill('SIGTERM')
          return proc.exited
        },
      }
    }
  }
}

/** A loopback port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()))
  const port = (s.address() as { port: number }).port
  await new Promise<void>((r) => s.close(() => r()))
  return port
}
