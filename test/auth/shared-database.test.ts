// Several authkit processes on one database file: each app here has its own connection and its own
// caches (signing key, verified tokens), as a second process would.
import { describe, expect, it } from 'bun:test'
import { join } from 'node:path'
import { ManualClock } from '../../src/lib/clock.ts'
import { tempDirs } from '../helpers/temp.ts'
import { bearer, loggedIn, makeAuthApp, post } from './helpers.ts'
import { selectOne } from '../helpers/db.ts'

const tempDir = tempDirs('authkit-shared-')

function twoApps() {
  const dbPath = join(tempDir(), 'authkit.db')
  const clock = new ManualClock(Date.now())
  const a = makeAuthApp({ useAuthCookie: false }, { clock, dbPath })
  const b = makeAuthApp({ useAuthCookie: false }, { clock, dbPath })
  return { a, b }
}

describe('several processes on one database', () => {
  it('a logout through one process is refused at once by another', async () => {
    const { a, b } = twoApps()
    const { body } = await loggedIn(a)
    // b has checked (and remembered) the token's signature.
    expect((await b.req('/probe', { headers: bearer(body.access_token!) })).status).toBe(200)
    expect((await post(a, '/api/auth/logout', {}, bearer(body.access_token!))).status).toBe(200)
    expect((await b.req('/probe', { headers: bearer(body.access_token!) })).status).toBe(401)
    expect((await post(b, '/api/auth/token/refresh', { refresh: body.refresh_token })).status).toBe(401)
  })

  it('a refresh token used through two processes at once is rotated once; both get the same successor', async () => {
    const { a, b } = twoApps()
    const { body } = await loggedIn(a)
    const [ra, rb] = await Promise.all([
      post(a, '/api/auth/token/refresh', { refresh: body.refresh_token }),
      post(b, '/api/auth/token/refresh', { refresh: body.refresh_token }),
    ])
    expect([ra.status, rb.status]).toEqual([200, 200])
    const [na, nb] = [await ra.json(), await rb.json()]
    expect(na.refresh_token).toBe(nb.refresh_token)
    expect((await selectOne(a.deps.db, 'SELECT count(*) AS n FROM refresh_tokens'))).toEqual({ n: 2 })
    expect((await post(b, '/api/auth/token/refresh', { refresh: na.refresh_token })).status).toBe(200)
  })

  it('a refresh token replayed through another process after the grace window revokes the session everywhere', async () => {
    const { a, b } = twoApps()
    const { body } = await loggedIn(a)
    const next = await (await post(a, '/api/auth/token/refresh', { refresh: body.refresh_token })).json()
    a.clock.advance(11)
    expect((await post(b, '/api/auth/token/refresh', { refresh: body.refresh_token })).status).toBe(401)
    expect((await a.req('/probe', { headers: bearer(next.access_token) })).status).toBe(401)
    expect((await post(a, '/api/auth/token/refresh', { refresh: next.refresh_token })).status).toBe(401)
  })
})
