// `authkit config`: the effective settings, secrets masked, with where each value came from.
import { describeConfig } from '../config/load.ts'
import type { Command } from './commands.ts'

export const configCommand: Command = {
  words: ['config'],
  flags: {},
  async run({ io, settings }) {
    const loaded = settings()
    if (loaded.file) io.stdout(`# settings file: ${loaded.file}\n`)
    io.stdout(`${describeConfig(loaded)}\n`)
    return 0
  },
}
