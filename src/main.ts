// Entry point of the `authkit` executable.
import { runCli } from './cli/index.ts'

const code = await runCli(process.argv.slice(2), {
  env: Bun.env,
  cwd: process.cwd(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stdin: () => Bun.stdin.text(),
})
process.exit(code)
