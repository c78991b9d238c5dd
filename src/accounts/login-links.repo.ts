// SQL for e-mailed sign-in links: one row per link, holding only the token's SHA-256.
import { type Db, sql } from '../db/engine.ts'

export interface LoginLinkRow {
  id: number
  user_id: number
  token_hash: string
  created_at: number
  expires_at: number
  used_at: number | null
}

const insert = sql<never, { userId: number; tokenHash: string; now: number; expiresAt: number }>(
  'INSERT INTO login_links (user_id, token_hash, created_at, expires_at) VALUES ($userId, $tokenHash, $now, $expiresAt)',
)
const sweep = sql<never, { userId: number; now: number }>(
  'DELETE FROM login_links WHERE user_id = $userId AND (used_at IS NOT NULL OR expires_at <= $now)',
)
const byHash = sql<LoginLinkRow, { tokenHash: string }>('SELECT * FROM login_links WHERE token_hash = $tokenHash')
// Used once: a second request with the same token, racing this one, changes no row.
const use = sql<never, { id: number; now: number }>(
  'UPDATE login_links SET used_at = $now WHERE id = $id AND used_at IS NULL AND expires_at > $now',
)

export function createLoginLinksRepo(db: Db) {
  return {
    /** Stores a new link's digest; the user's dead links are swept away first. */
    async add(l: { userId: number; tokenHash: string; now: number; expiresAt: number }): Promise<void> {
      await db.run(sweep, { userId: l.userId, now: l.now })
      await db.run(insert, l)
    },
    byHash: (tokenHash: string) => db.get(byHash, { tokenHash }),
    /** Marks a link used; false when it already was, or has expired. */
    use: async (id: number, now: number) => (await db.run(use, { id, now })) === 1,
  }
}
