// OWASP ASVS 4.0.3 requirements that no other test states on its own (docs/SECURITY.md maps every V2/V3
// level-2 requirement to its test): what a password may be, and how random session identifiers are.
import { describe, expect, it } from 'bun:test'
import { GOOD_PASSWORD, login, register, userRow } from '../accounts/helpers.ts'
import { makeTestApp } from '../helpers/app.ts'
import { selectAll } from '../helpers/db.ts'

const app = () => makeTestApp({ accountEmailVerification: 'none' })

describe('passwords (ASVS 2.1)', () => {
  it('accepts passwords of 64 characters and longer, and uses every character of them (no truncation)', async () => {
    for (const password of ['x7!'.repeat(22), 'long-Otter-'.repeat(372)]) {
      const t = app()
      expect((await register(t, { password1: password, password2: password })).status).toBe(201)
      await login(t, 'ann', password)
      await expect(login(t, 'ann', password.slice(0, -1))).rejects.toThrow('login failed: 400')
      await expect(login(t, 'ann', `${password.slice(0, -1)}?`)).rejects.toThrow('login failed: 400')
    }
  })

  it('accepts spaces and Unicode (emoji, kanji) in passwords, as typed', async () => {
    for (const password of ['correct horse  battery staple', '🐢🐍🦊🐙🦉🐝🐞🦋🐌🐜🦂🐡', '秘密の合言葉は山と川と海です']) {
      const t = app()
      expect((await register(t, { password1: password, password2: password })).status).toBe(201)
      await login(t, 'ann', password)
      // Spaces are not collapsed and a code point is not dropped: a near miss is a wrong password.
      const nearMiss = password.includes('  ') ? password.replace('  ', ' ') : [...password].slice(0, -1).join('')
      await expect(login(t, 'ann', nearMiss)).rejects.toThrow('login failed: 400')
    }
  })

  it('has no composition rules: a long lower-case passphrase is enough', async () => {
    const t = app()
    expect((await register(t, { password1: 'purple staircase of quiet lanterns', password2: 'purple staircase of quiet lanterns' })).status).toBe(201)
  })

  it('salts every hash: two accounts with one password store different argon2id hashes', async () => {
    const t = app()
    await register(t)
    await register(t, { username: 'bob', email: 'bob@example.com', password1: GOOD_PASSWORD, password2: GOOD_PASSWORD })
    const [a, b] = [(await userRow(t, 'ann'))!.password_hash, (await userRow(t, 'bob'))!.password_hash]
    expect(a).toStartWith('$argon2id$')
    expect(a).not.toBe(b)
    // The salt segment: at least 16 bytes (128 bits), base64 without padding.
    expect(Buffer.from(a.split('$')[4]!, 'base64').length).toBeGreaterThanOrEqual(16)
  })
})

describe('session identifiers (ASVS 3.2)', () => {
  it('every login makes a new session whose id carries at least 64 bits of randomness', async () => {
    const t = app()
    await register(t)
    for (let i = 0; i < 20; i++) await login(t)
    const ids = (await selectAll<{ id: string }>(t.deps.db, 'SELECT id FROM sessions')).map((r) => r.id)
    expect(new Set(ids).size).toBe(20)
    for (const id of ids) {
      expect(id).toMatch(/^[A-Za-z0-9_-]+$/)
      expect(Buffer.from(id, 'base64url').length * 8).toBeGreaterThanOrEqual(128)
    }
  })
})
