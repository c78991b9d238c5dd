// Runs the CLI in-process against a fresh temporary directory, capturing its output.
import { join } from 'node:path'
import { runCli } from '../../src/cli/index.ts'
import type { CliIO } from '../../src/cli/commands.ts'
import { tempDirs } from '../helpers/temp.ts'

const tempDir = tempDirs('authkit-cli-')

export function cli(opts: { env?: Record<string, string>; stdin?: string; stopSignal?: Promise<string> } = {}) {
  const cwd = tempDir()
  const out: string[] = []
  const err: string[] = []
  const io: CliIO = {
    env: { AUTHKIT_ARGON2_MEMORY_COST: '1024', AUTHKIT_ARGON2_TIME_COST: '1', ...opts.env },
    cwd,
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    stdin: async () => opts.stdin ?? '',
    stopSignal: opts.stopSignal,
  }
  return {
    cwd,
    data: join(cwd, 'data'),
    run: (...argv: string[]) => runCli(argv, io),
    out: () => out.join(''),
    err: () => err.join(''),
  }
}

