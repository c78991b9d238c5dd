// Entry point of the `authkit` executable.
import { runCli } from './cli/index.ts'

process.umask(0o077) // the database, its WAL and generated keys are readable by the owner only
const code = await runCli(process.argv.slice(2), {
  env: Bun.env,
  cwd: process.cwd(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stdin: () => Bun.stdin.text(),
})
process.exit(code)
