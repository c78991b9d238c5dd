// Entry point of the `authkit` executable.
import { runCli } from './cli/index.ts'

process.umask(0o077) // the database, its WAL and generated keys are readable by the owner only

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
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stdin: () => Bun.stdin.text(),
}).catch(oneLine)
process.exit(code)
