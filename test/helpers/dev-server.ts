// Starts the real server from source (`bun src/main.ts serve --dev ...`) in a clean environment and waits for it to listen.
import { join } from 'node:path'

const ROOT = join(import.meta.dir, '..', '..')

/** `args` after `serve --dev`; `home` is its HOME (a temp dir). Resolves with the process and its origin. */
export async function startDevServer(args: string[], home: string): Promise<{ server: ReturnType<typeof Bun.spawn>; origin: string }> {
  const server = Bun.spawn([process.execPath, join(ROOT, 'src', 'main.ts'), 'serve', '--dev', ...args], {
    cwd: ROOT, // bun reads tsconfig (JSX settings) from the working directory
    // A clean environment, so no AUTHKIT_* variable of the developer's changes the run.
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home },
    stdout: 'pipe',
    stderr: 'inherit',
  })
  const reader = (server.stdout as ReadableStream<Uint8Array>).getReader()
  let out = ''
  while (true) {
    const { value, done } = await reader.read()
    if (done) throw new Error(`the server exited before listening:\n${out}`)
    out += new TextDecoder().decode(value)
    const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)
    if (m) {
      reader.releaseLock()
      return { server, origin: m[1]! }
    }
  }
}
