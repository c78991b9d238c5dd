// Reference server, the PostgreSQL floor: floor.ts with its one lookup made through Bun.SQL on PostgreSQL
// instead of bun:sqlite: verify an EdDSA JWT with jose, one indexed query (live session joined to its user),
// answer the user as JSON. authkit's GET user/ on PostgreSQL is compared against this.
// Usage: bun bench/reference/floor-pg.ts <port> <postgres-url>; prints "READY <port> <token>" once listening.
import { SQL } from 'bun'
import * as jose from 'jose'

const port = Number(process.argv[2] ?? 0)
const url = process.argv[3]
if (!url) throw new Error('usage: floor-pg.ts <port> <postgres-url>')

// The same pool size as authkit's PostgreSQL engine.
const sql = new SQL(url, { max: 20 })
await sql.unsafe(`CREATE TABLE IF NOT EXISTS users (id BIGINT PRIMARY KEY, username TEXT NOT NULL, email TEXT NOT NULL,
  first_name TEXT NOT NULL, last_name TEXT NOT NULL, is_active INTEGER NOT NULL)`)
await sql.unsafe(`CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, user_id BIGINT NOT NULL REFERENCES users (id),
  expires_at BIGINT NOT NULL, revoked_at BIGINT)`)
// A realistic table size: lookups are B-tree descents, not a scan of a handful of rows.
await sql.unsafe(`INSERT INTO users SELECT i, 'user' || i, 'user' || i || '@example.com', 'Bench', 'User ' || i, 1
  FROM generate_series(1, 10000) AS i ON CONFLICT DO NOTHING`)
await sql.unsafe(`INSERT INTO sessions SELECT 'session-' || i, i, $1, NULL FROM generate_series(1, 10000) AS i ON CONFLICT DO NOTHING`, [
  Date.now() + 86_400_000,
])
await sql.unsafe('ANALYZE users; ANALYZE sessions')

const LIVE = `SELECT u.id::int AS id, u.username, u.email, u.first_name, u.last_name FROM sessions s JOIN users u ON u.id = s.user_id
  WHERE s.id = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 AND u.is_active = 1`

const { publicKey, privateKey } = await jose.generateKeyPair('EdDSA', { crv: 'Ed25519' })
const token = await new jose.SignJWT({ sid: 'session-4242', token_type: 'access' })
  .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: 'k1' })
  .setSubject('4242')
  .setJti(crypto.randomUUID())
  .setIssuedAt()
  .setExpirationTime('1h')
  .sign(privateKey)

const unauthorized = () => Response.json({ detail: 'Token is invalid', code: 'token_not_valid' }, { status: 401 })

const server = Bun.serve({
  hostname: '127.0.0.1',
  port,
  async fetch(request) {
    const header = request.headers.get('authorization')
    if (!header?.startsWith('Bearer ')) return unauthorized()
    let claims: jose.JWTPayload
    try {
      ;({ payload: claims } = await jose.jwtVerify(header.slice(7), publicKey, { algorithms: ['EdDSA'], typ: 'at+jwt' }))
    } catch {
      return unauthorized()
    }
    if (typeof claims.sid !== 'string') return unauthorized()
    const [user] = (await sql.unsafe(LIVE, [claims.sid, Date.now()])) as { id: number; username: string; email: string; first_name: string; last_name: string }[]
    if (!user || String(user.id) !== claims.sub) return unauthorized()
    return Response.json({ pk: user.id, username: user.username, email: user.email, first_name: user.first_name, last_name: user.last_name })
  },
})
console.log(`READY ${server.port} ${token}`)
