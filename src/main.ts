// Entry point of the `authkit` executable.
import { runCli } from './cli/index.ts'

process.umask(0o077) // the database, its WAL and generated keys are readable by the owner only

// process.exit does not wait for a pipe to take what was written: `outbox list --json | jq` got only the
// first 64 KiB. Each write's callback runs once the stream has handed that text over; exit waits for all.
const written: Promise<unknown>[] = []
const writer = (stream: NodeJS.WriteStream) => (text: string) => {
  written.push(new Promise((resolve) => stream.write(text, resolve)))
}
// Anything runCli did not turn into a message is still one line: an uncaught error would make Bun print
// the surrounding (bundled, minified) source and a stack trace.
const oneLine = (e: unknown) => {
  const what = e instanceof Error ? `${e.name}: ${e.message}` : String(e)
  process.stderr.write(`authkit: unexpected error: ${what.split('\n')[0]!.slice(0, 300)}\n`)
  process.exit(1)
}
process.on('uncaughtException', oneLine)
process.on('unhandledRejection', oneLine)

const code = await runCli(process.argv.slice(2), {
  env: Bun.env,
  cwd: process.cwd(),
  stdout: writer(process.stdout),
  stderr: writer(process.stderr),
  stdin: () => Bun.stdin.text(),
}).catch(oneLine)
await Promise.all(written)
process.exit(code)
