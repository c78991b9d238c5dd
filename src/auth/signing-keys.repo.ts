// SQL for the signing_keys table (asymmetric JWT keys as JWK JSON).
import { type Db, sql } from '../db/engine.ts'

export interface SigningKeyRow {
  kid: string
  alg: string
  public_jwk: string
  private_jwk: string
  created_at: number
  retired_at: number | null
}

const current = sql<SigningKeyRow, { alg: string }>(
  'SELECT * FROM signing_keys WHERE alg = $alg AND retired_at IS NULL ORDER BY created_at DESC, kid LIMIT 1',
)
const byKid = sql<SigningKeyRow, { kid: string }>('SELECT * FROM signing_keys WHERE kid = $kid')
const published = sql<SigningKeyRow, { alg: string; since: number }>(
  'SELECT * FROM signing_keys WHERE alg = $alg AND (retired_at IS NULL OR retired_at > $since) ORDER BY created_at DESC',
)
const insert = sql<never, { kid: string; alg: string; publicJwk: string; privateJwk: string; now: number }>(
  `INSERT INTO signing_keys (kid, alg, public_jwk, private_jwk, created_at)
   VALUES ($kid, $alg, $publicJwk, $privateJwk, $now)`,
)
const retireOthers = sql<never, { alg: string; kid: string; now: number }>(
  'UPDATE signing_keys SET retired_at = $now WHERE alg = $alg AND retired_at IS NULL AND kid != $kid',
)
const pruneRetired = sql<never, { before: number }>('DELETE FROM signing_keys WHERE retired_at IS NOT NULL AND retired_at < $before')

export function createSigningKeysRepo(db: Db) {
  return {
    /** The key that signs new tokens for `alg`. */
    current: (alg: string) => db.get(current, { alg }),
    byKid: (kid: string) => db.get(byKid, { kid }),
    /** Keys of `alg` that are current or were retired after `since` (their tokens may still be live). */
    published: (alg: string, since: number) => db.all(published, { alg, since }),
    insert: (k: { kid: string; alg: string; publicJwk: string; privateJwk: string; now: number }) => db.run(insert, k),
    retireOthers: (alg: string, kid: string, now: number) => db.run(retireOthers, { alg, kid, now }),
    pruneRetired: (before: number) => db.run(pruneRetired, { before }),
  }
}

export type SigningKeysRepo = ReturnType<typeof createSigningKeysRepo>
