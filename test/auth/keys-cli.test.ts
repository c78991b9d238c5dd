// `authkit keys rotate` against a real data directory.
import { describe, expect, it } from 'bun:test'
import { join } from 'node:path'
import type { CliIO } from '../../src/cli/commands.ts'
import { runCli } from '../../src/cli/index.ts'
import { dbPath, openDatabase } from '../../src/db/open.ts'
import { tempDirs } from '../helpers/temp.ts'
import { selectAll } from '../helpers/db.ts'

const tempDir = tempDirs('authkit-keys-')

function cli(env: Record<string, string> = {}) {
  const cwd = tempDir()
  const out: string[] = []
  const err: string[] = []
  const io: CliIO = { env, cwd, stdout: (s) => out.push(s), stderr: (s) => err.push(s), stdin: async () => '' }
  return { data: join(cwd, 'data'), run: (...argv: string[]) => runCli(argv, io), out: () => out.join(''), err: () => err.join('') }
}

const keys = async (data: string) => {
  const db = openDatabase(dbPath(data))
  try {
    return await selectAll<{ kid: string; alg: string; retired_at: number | null }>(db, 'SELECT kid, alg, retired_at FROM signing_keys ORDER BY created_at')
  } finally {
    await db.close()
  }
}

describe('authkit keys rotate', () => {
  it('adds a signing key and retires, but keeps, the previous one', async () => {
    const c = cli()
    expect(await c.run('keys', 'rotate', '--data', c.data)).toBe(0)
    expect(await c.run('keys', 'rotate', '--data', c.data)).toBe(0)
    const rows = await keys(c.data)
    expect(rows).toHaveLength(2)
    expect(rows.every((r) => r.alg === 'EdDSA')).toBe(true)
    expect(rows[0]!.retired_at).not.toBeNull()
    expect(rows[1]!.retired_at).toBeNull()
    expect(c.out()).toContain(rows[1]!.kid)
  })

  it('uses the configured algorithm', async () => {
    const c = cli({ AUTHKIT_JWT_ALGORITHM: 'ES256' })
    expect(await c.run('keys', 'rotate', '--data', c.data)).toBe(0)
    expect((await keys(c.data)).map((r) => r.alg)).toEqual(['ES256'])
  })

  it('explains that HS256 has no key pair to rotate', async () => {
    const c = cli({ AUTHKIT_JWT_ALGORITHM: 'HS256' })
    expect(await c.run('keys', 'rotate', '--data', c.data)).toBe(1)
    expect(c.err()).toContain('SECRET_KEY')
  })
})
