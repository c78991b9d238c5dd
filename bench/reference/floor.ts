// Reference server, the "floor": a bare Bun.serve that does what an authenticated "who am I" cannot avoid:
// verify an EdDSA JWT with jose (key imported once) and one indexed bun:sqlite lookup (live session joined
// to its user), then answer the user as JSON. authkit's GET user/ is compared against this.
// Usage: bun bench/reference/floor.ts <port> <dataDir>; prints "READY <port> <token>" once listening.
import { Database } from 'bun:sqlite'
import { join } from 'node:path'
import { type FloorUser, serveFloor } from './floor-server.ts'

const port = Number(process.argv[2] ?? 0)
const dir = process.argv[3]
if (!dir) throw new Error('usage: floor.ts <port> <dataDir>')

const db = new Database(join(dir, 'floor.db'), { create: true, strict: true })
db.exec('PRAGMA journal_mode = WAL')
db.exec('PRAGMA synchronous = NORMAL')
db.exec(`CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, username TEXT NOT NULL, email TEXT NOT NULL,
  first_name TEXT NOT NULL, last_name TEXT NOT NULL, is_active INTEGER NOT NULL) STRICT`)
db.exec(`CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id),
  expires_at INTEGER NOT NULL, revoked_at INTEGER) STRICT, WITHOUT ROWID`)

// A realistic table size: lookups are B-tree descents, not a scan of a handful of rows.
db.transaction(() => {
  const addUser = db.query('INSERT OR IGNORE INTO users VALUES ($id, $u, $e, $f, $l, 1)')
  const addSession = db.query('INSERT OR IGNORE INTO sessions VALUES ($id, $user, $exp, NULL)')
  for (let i = 1; i <= 10_000; i++) {
    addUser.run({ id: i, u: `user${i}`, e: `user${i}@example.com`, f: 'Bench', l: `User ${i}` })
    addSession.run({ id: `session-${i}`, user: i, exp: Date.now() + 86_400_000 })
  }
})()

const live = db.query<FloorUser, { sid: string; now: number }>(
  `SELECT u.id, u.username, u.email, u.first_name, u.last_name FROM sessions s JOIN users u ON u.id = s.user_id
   WHERE s.id = $sid AND s.revoked_at IS NULL AND s.expires_at > $now AND u.is_active = 1`,
)

await serveFloor(port, (sid, now) => live.get({ sid, now }))
