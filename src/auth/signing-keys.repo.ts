// SQL for the signing_keys table (asymmetric JWT keys as JWK JSON).
import type { Database } from '../db/open.ts'

export interface SigningKeyRow {
  kid: string
  alg: string
  public_jwk: string
  private_jwk: string
  created_at: number
  retired_at: number | null
}

export function createSigningKeysRepo(db: Database) {
  const current = db.query<SigningKeyRow, { alg: string }>(
    'SELECT * FROM signing_keys WHERE alg = $alg AND retired_at IS NULL ORDER BY created_at DESC, kid LIMIT 1',
  )
  const byKid = db.query<SigningKeyRow, { kid: string }>('SELECT * FROM signing_keys WHERE kid = $kid')
  const published = db.query<SigningKeyRow, { alg: string; since: number }>(
    'SELECT * FROM signing_keys WHERE alg = $alg AND (retired_at IS NULL OR retired_at > $since) ORDER BY created_at DESC',
  )
  const insert = db.query<never, Record<string, string | number>>(
    `INSERT INTO signing_keys (kid, alg, public_jwk, private_jwk, created_at)
     VALUES ($kid, $alg, $publicJwk, $privateJwk, $now)`,
  )
  const retireOthers = db.query<never, { alg: string; kid: string; now: number }>(
    'UPDATE signing_keys SET retired_at = $now WHERE alg = $alg AND retired_at IS NULL AND kid != $kid',
  )
  const pruneRetired = db.query<never, { before: number }>(
    'DELETE FROM signing_keys WHERE retired_at IS NOT NULL AND retired_at < $before',
  )
  return {
    /** The key that signs new tokens for `alg`. */
    current: (alg: string) => current.get({ alg }),
    byKid: (kid: string) => byKid.get({ kid }),
    /** Keys of `alg` that are current or were retired after `since` (their tokens may still be live). */
    published: (alg: string, since: number) => published.all({ alg, since }),
    insert: (k: { kid: string; alg: string; publicJwk: string; privateJwk: string; now: number }) => insert.run(k),
    retireOthers: (alg: string, kid: string, now: number) => retireOthers.run({ alg, kid, now }).changes,
    pruneRetired: (before: number) => pruneRetired.run({ before }).changes,
  }
}

export type SigningKeysRepo = ReturnType<typeof createSigningKeysRepo>
