// The data directory (owner-only) and the SECRET_KEY generated into it on first start.
import { chmodSync, existsSync, mkdirSync, openSync, readFileSync, writeSync, closeSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { randomToken } from '../lib/crypto.ts'
import type { Config } from './settings.ts'

/** Settings once the data directory is known and SECRET_KEY is settled. */
export type ServerConfig = Config & { readonly secretKey: string; readonly dataDir: string }

export function ensureDataDir(dir: string): string {
  const path = resolve(dir)
  if (!existsSync(path)) {
    mkdirSync(path, { recursive: true, mode: 0o700 })
    chmodSync(path, 0o700) // mkdir's mode is filtered by the umask
  }
  return path
}

/** SECRET_KEY from the settings, else from `DATA_DIR/secret_key`, else a new one written there (mode 0600). */
export function settleSecretKey(config: Config): ServerConfig {
  const dataDir = ensureDataDir(config.dataDir)
  if (config.secretKey) return { ...config, dataDir, secretKey: config.secretKey }
  const file = join(dataDir, 'secret_key')
  if (!existsSync(file)) {
    try {
      const fd = openSync(file, 'wx', 0o600) // 'wx': two processes starting at once cannot both write
      writeSync(fd, `${randomToken(48)}\n`)
      closeSync(fd)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
    }
  }
  const secretKey = readFileSync(file, 'utf8').trim()
  if (secretKey.length < 32) throw new Error(`${file} holds no usable key; delete it to have a new one generated`)
  return { ...config, dataDir, secretKey }
}
