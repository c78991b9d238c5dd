import { describe, expect, it } from 'bun:test'
import { join } from 'node:path'
import { runCli } from '../../src/cli/index.ts'
import { tempDirs } from '../helpers/temp.ts'

const tempDir = tempDirs('authkit-users-')

async function usersCreate(...args: string[]) {
  const cwd = tempDir()
  let err = ''
  const code = await runCli(['users', 'create', ...args, '--data', join(cwd, 'data')], {
    env: { AUTHKIT_ARGON2_MEMORY_COST: '1024', AUTHKIT_ARGON2_TIME_COST: '1' },
    cwd,
    stdout() {},
    stderr: (t) => {
      err += t
    },
    stdin: async () => '',
  })
  return { code, err }
}

describe('authkit users create uses the registration rules', () => {
  it('refuses a password the validators refuse, naming why', async () => {
    const common = await usersCreate('--username', 'root', '--email', 'root@example.com', '--password', 'password1')
    expect(common.code).toBe(2)
    expect(common.err).toContain('This password is too common.')
    const similar = await usersCreate('--username', 'administrator', '--email', 'root@example.com', '--password', 'administrator1')
    expect(similar.err).toContain('The password is too similar to the username.')
  })

  it('refuses an e-mail address the API would refuse', async () => {
    const res = await usersCreate('--username', 'root', '--email', 'root@localhost', '--password', 'velvet-Otter-91-lamp')
    expect(res.code).toBe(2)
    expect(res.err).toContain('--email is not a valid e-mail address')
  })
})
