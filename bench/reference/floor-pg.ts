// Reference server, the PostgreSQL floor: floor.ts with its one lookup made through Bun.SQL on PostgreSQL
// instead of bun:sqlite: verify an EdDSA JWT with jose, one indexed query (live session joined to its user),
// answer the user as JSON. authkit's GET user/ on PostgreSQL is compared against this.
// Usage: bun bench/reference/floor-pg.ts <port> <postgres-url>; prints "READY <port> <token>" once listening.
import { SQL } from 'bun'
import { type FloorUser, serveFloor } from './floor-server.ts'

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

await serveFloor(port, async (sid, now) => ((await sql.unsafe(LIVE, [sid, now])) as FloorUser[])[0] ?? null)
