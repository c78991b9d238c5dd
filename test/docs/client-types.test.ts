// The typed client for frontends: clients/typescript/schema.d.ts is what openapi-typescript makes from
// the live /api/schema/ today, and code using it with openapi-fetch compiles, while mistakes do not.
import { describe, expect, it } from 'bun:test'
import { join } from 'node:path'
import { CLIENT_TYPES, clientTypes, defaultSchema } from '../../scripts/client-types.ts'
import { tempDirs } from '../helpers/temp.ts'

const ROOT = join(import.meta.dir, '..', '..')
const EXAMPLE = join(ROOT, 'clients', 'typescript', 'example.ts')
const tempDir = tempDirs('authkit-client-')

/** Runs tsc on `files` with the repository's compiler options; resolves with its output and exit code. */
async function typeCheck(files: string[]) {
  const dir = tempDir()
  const tsconfig = join(dir, 'tsconfig.json')
  // No bun types and no editor plugin: the client is plain browser TypeScript.
  await Bun.write(tsconfig, JSON.stringify({ extends: join(ROOT, 'tsconfig.json'), compilerOptions: { types: [], plugins: [] }, include: [], files }))
  const p = Bun.spawn([join(ROOT, 'node_modules', '.bin', 'tsc'), '-p', tsconfig], { cwd: ROOT, stdout: 'pipe', stderr: 'pipe' })
  const [out, code] = await Promise.all([new Response(p.stdout).text(), p.exited])
  return { out, code }
}

describe('typed client', () => {
  it('the committed schema.d.ts is up to date with /api/schema/ (run `bun run client:types` if not)', async () => {
    const fresh = await clientTypes(await defaultSchema())
    expect(await Bun.file(CLIENT_TYPES).text()).toBe(fresh)
  }, 30_000)

  it('the example compiles with openapi-fetch, and a wrong path, body or field does not', async () => {
    const ok = await typeCheck([EXAMPLE])
    expect(ok.out).toBe('')
    expect(ok.code).toBe(0)

    const bad = join(tempDir(), 'bad.ts')
    await Bun.write(
      bad,
      [
        `import { authkitClient } from ${JSON.stringify(EXAMPLE)}`,
        `const api = authkitClient('https://auth.example.com')`,
        `await api.GET('/api/auth/usr/')`,
        `await api.PATCH('/api/auth/user/', { body: { first_name: 5 } })`,
        `const { data } = await api.GET('/api/auth/user/')`,
        `data?.nope`,
      ].join('\n'),
    )
    const wrong = await typeCheck([bad])
    expect(wrong.code).not.toBe(0)
    expect(wrong.out).toContain(`'"/api/auth/usr/"' is not assignable`)
    expect(wrong.out).toContain(`Type 'number' is not assignable to type 'string'`)
    expect(wrong.out).toContain(`Property 'nope' does not exist`)
  }, 60_000)
})
