// AUTH_TYPE=token: opaque keys, one per login, stored only as SHA-256.
import { describe, expect, it } from 'bun:test'
import { sha256 } from '../../src/lib/crypto.ts'
import { createUser, login, makeAuthApp, setCookieLine, setCookies } from './helpers.ts'
import { selectAll, selectOne } from '../helpers/db.ts'

const tokenApp = async (overrides = {}) => {
  const t = makeAuthApp({ authType: 'token', ...overrides })
  await createUser(t)
  const res = await login(t)
  return { t, res, body: (await res.json()) as { key: string; user: { username: string } } }
}

describe('token mode', () => {
  it('answers {key, user} and sets the token cookie', async () => {
    const { res, body } = await tokenApp({ authTokenCookieExpireTime: 3600 })
    expect(Object.keys(body).sort()).toEqual(['key', 'user'])
    expect(body.user.username).toBe('alice')
    expect(setCookies(res)['auth-token']).toBe(body.key)
    expect(setCookieLine(res, 'auth-token')).toContain('Max-Age=3600')
    expect(setCookieLine(res, 'auth-token')).toContain('HttpOnly')
  })

  it('a token-mode key is not present in the database in usable form', async () => {
    const { t, body } = await tokenApp()
    const dump = JSON.stringify(await selectAll(t.deps.db, 'SELECT * FROM sessions'))
    expect(dump.includes(body.key)).toBe(false)
    const row = (await selectOne(t.deps.db, 'SELECT key_hash FROM sessions')) as { key_hash: string }
    expect(row.key_hash).toBe(sha256(body.key))
    // The stored hash does not work as a key.
    expect((await t.req('/probe', { headers: { authorization: `Token ${row.key_hash}` } })).status).toBe(401)
  })

  it('accepts Authorization: Token <key> and Bearer <key>', async () => {
    const { t, body } = await tokenApp()
    for (const scheme of ['Token', 'Bearer', 'token']) {
      const res = await t.req('/probe', { headers: { authorization: `${scheme} ${body.key}` } })
      expect(res.status).toBe(200)
      expect(await res.json()).toMatchObject({ user: 'alice', authVia: 'header' })
    }
  })

  it('refuses an unknown key with token_not_valid', async () => {
    const { t } = await tokenApp()
    const res = await t.req('/probe', { headers: { authorization: 'Token nope' } })
    expect(res.status).toBe(401)
    expect(await res.json()).toEqual({ detail: 'Invalid token.', code: 'token_not_valid' })
  })

  it('keys expire after AUTH_TOKEN_COOKIE_EXPIRE_TIME', async () => {
    const { t, body } = await tokenApp({ authTokenCookieExpireTime: 3600 })
    t.clock.advance(3601)
    expect((await t.req('/probe', { headers: { authorization: `Token ${body.key}` } })).status).toBe(401)
  })
})
