// JWT signing keys: generated on first use and stored in the database (EdDSA, RS256, ES256) or derived
// from SECRET_KEY (HS256); rotation adds a key and keeps the old one verifying until its tokens expire.
import { createHmac, timingSafeEqual } from 'node:crypto'
import * as jose from 'jose'
import type { Database } from '../db/engine.ts'
import type { Clock } from '../lib/clock.ts'
import type { JwsHeader, SignatureCheck } from './jws.ts'
import { createSigningKeysRepo, type SigningKeyRow } from './signing-keys.repo.ts'

export type JwtAlgorithm = 'EdDSA' | 'HS256' | 'RS256' | 'ES256'
export type AsymmetricAlgorithm = Exclude<JwtAlgorithm, 'HS256'>

export interface KeyConfig {
  readonly jwtAlgorithm: JwtAlgorithm
  readonly secretKey: string
  readonly accessTokenLifetime: number
  readonly refreshTokenLifetime: number
}

export interface KeyDeps {
  readonly db: Database
  readonly config: KeyConfig
  readonly clock: Clock
}

type Key = CryptoKey | Uint8Array

export interface SigningKey {
  readonly alg: JwtAlgorithm
  readonly kid: string | undefined
  /** The key as jose takes it. */
  readonly key: Key
  /** Signs a JWS signing input (`header.payload`), returning the raw signature. */
  readonly sign: (input: string) => Buffer | Promise<Buffer>
}

/** An HS256 signature (HMAC-SHA-256 with SECRET_KEY): ~2 µs, done on the JS thread. */
const hmacSigner = (secret: Uint8Array) => (input: string) => createHmac('sha256', secret).update(input).digest()

/**
 * A JWS signer for a private key, through WebCrypto: Bun does the signing on its thread pool, like the
 * signature checks below. node:crypto signs EdDSA with less CPU in all but entirely on the JS thread, which
 * is what limits a busy server (refresh signs two tokens). Measured with 20 signatures in flight: node:crypto
 * 23 µs of JS thread each; WebCrypto 12 µs of JS thread plus 32 µs on the pool. ES256 signatures come out
 * as r||s, the JWS encoding (RFC 7518 §3.4); RS256's hash is fixed when the key is imported for RS256.
 */
function asymmetricSigner(alg: AsymmetricAlgorithm, key: CryptoKey): (input: string) => Promise<Buffer> {
  const params = ALGORITHM_PARAMS[alg]
  return async (input) => Buffer.from(await crypto.subtle.sign(params, key, Buffer.from(input)))
}

/** WebCrypto parameters of a JWS signature (ES256 signatures are r||s, as WebCrypto makes and takes them). */
const ALGORITHM_PARAMS: Record<AsymmetricAlgorithm, AlgorithmIdentifier | EcdsaParams> = {
  EdDSA: 'Ed25519',
  ES256: { name: 'ECDSA', hash: 'SHA-256' },
  RS256: 'RSASSA-PKCS1-v1_5',
}

/** The check of an HS256 signature: a cheap HMAC, compared in constant time. */
function hmacVerifierFor(secret: Uint8Array): SignatureCheck {
  const mac = hmacSigner(secret)
  return (input, signature) => {
    const expected = mac(input.toString('latin1'))
    return signature.length === expected.length && timingSafeEqual(signature, expected)
  }
}

/**
 * The check of a public-key signature, through WebCrypto: Bun runs it on its thread pool. An EdDSA
 * verify costs ~90 µs of CPU there or in node:crypto, but node:crypto's runs on the JS thread, which is
 * what limits a busy server (refresh: ~2,000 instead of ~2,400 req/s in the benchmark).
 */
async function publicVerifierFor(alg: AsymmetricAlgorithm, jwk: jose.JWK): Promise<SignatureCheck> {
  const key = (await jose.importJWK(jwk, alg)) as CryptoKey
  const params = ALGORITHM_PARAMS[alg]
  return (input, signature) => crypto.subtle.verify(params, key, signature, input)
}

/** How long a retired key keeps verifying (and stays published): the longest life of a token it signed. */
export const retention = (c: KeyConfig) => Math.max(c.accessTokenLifetime, c.refreshTokenLifetime) * 1000

/** How long a signing key read from the database is used before checking whether another process or instance rotated it. */
const RECHECK_MS = 1000

/** Rotations made through each database handle: seen by its key stores at once, not a second later. */
const rotations = new WeakMap<Database, number>()

/** Makes a new key pair for `alg`, stores it as the current signing key and retires the previous ones. */
export async function rotateSigningKey(deps: KeyDeps, alg: AsymmetricAlgorithm = asymmetric(deps.config.jwtAlgorithm)): Promise<string> {
  const { publicKey, privateKey } = await jose.generateKeyPair(alg, {
    extractable: true,
    ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}),
  })
  const publicJwk = await jose.exportJWK(publicKey)
  const privateJwk = await jose.exportJWK(privateKey)
  const kid = await jose.calculateJwkThumbprint(publicJwk)
  const now = deps.clock.now()
  await deps.db.transaction(async (tx) => {
    const repo = createSigningKeysRepo(tx)
    await repo.insert({ kid, alg, publicJwk: JSON.stringify(publicJwk), privateJwk: JSON.stringify(privateJwk), now })
    await repo.retireOthers(alg, kid, now)
    await repo.pruneRetired(now - retention(deps.config))
  })
  rotations.set(deps.db, (rotations.get(deps.db) ?? 0) + 1)
  return kid
}

function asymmetric(alg: JwtAlgorithm): AsymmetricAlgorithm {
  if (alg === 'HS256') throw new Error('HS256 signs with SECRET_KEY; there is no key pair to rotate (change SECRET_KEY instead)')
  return alg
}

/** The key store one app instance uses: signing reads the current key from the database, verification caches by kid. */
export function createKeyStore(deps: KeyDeps) {
  const { config, clock } = deps
  const repo = createSigningKeysRepo(deps.db)
  const alg = config.jwtAlgorithm
  const hmacKey = new TextEncoder().encode(config.secretKey)
  const signHmac = hmacSigner(hmacKey)
  const hmacVerifier = hmacVerifierFor(hmacKey)
  const imported = new Map<string, { row: SigningKeyRow; verify: SignatureCheck; signing?: SigningKey }>()
  let generating: Promise<string> | null = null
  // The current key changes only by a rotation: through this handle (counted in `rotations`, seen at
  // once) or by another process or instance (`authkit keys rotate`), seen by reading the current key's
  // row again, at most once a second (one indexed read, the same on both engines): such a rotation is
  // used within a second, and tokens signed meanwhile by the retired key stay valid (it keeps verifying
  // for its retention).
  let current: { rotations: number; checkedAt: number; signing: SigningKey } | null = null
  const stillCurrent = async (c: NonNullable<typeof current>, now: number): Promise<boolean> => {
    if (c.rotations !== (rotations.get(deps.db) ?? 0)) return false
    if (now >= c.checkedAt && now - c.checkedAt < RECHECK_MS) return true
    if ((await repo.current(alg))?.kid !== c.signing.kid) return false
    c.checkedAt = now
    return true
  }

  const load = async (row: SigningKeyRow) => {
    let entry = imported.get(row.kid)
    if (!entry) {
      entry = { row, verify: await publicVerifierFor(row.alg as AsymmetricAlgorithm, JSON.parse(row.public_jwk) as jose.JWK) }
      imported.set(row.kid, entry)
    }
    return entry
  }

  return {
    alg,

    /**
     * The key new tokens are signed with: read again from the database after a rotation in this process
     * at once, after one by another process (`authkit keys rotate`) within a second.
     */
    async signingKey(): Promise<SigningKey> {
      if (alg === 'HS256') return { alg, kid: undefined, key: hmacKey, sign: signHmac }
      const now = clock.now()
      if (current && (await stillCurrent(current, now))) return current.signing
      // Read before the key row: a rotation through this handle after this is seen at the next call.
      const seen = { rotations: rotations.get(deps.db) ?? 0 }
      let row = await repo.current(alg)
      if (!row) {
        generating ??= rotateSigningKey(deps, alg).finally(() => {
          generating = null
        })
        await generating
        row = await repo.current(alg)
        if (!row) throw new Error('no signing key after generating one')
      }
      const entry = await load(row)
      if (!entry.signing) {
        const key = (await jose.importJWK(JSON.parse(row.private_jwk) as jose.JWK, row.alg)) as CryptoKey
        entry.signing = { alg, kid: row.kid, key, sign: asymmetricSigner(alg, key) }
      }
      current = { ...seen, checkedAt: now, signing: entry.signing }
      return entry.signing
    },

    /**
     * The signature check for a token's header, or null: wrong algorithm, no or unknown kid, a key of
     * another algorithm, or a key retired too long ago. Only keys from our own store are ever used.
     */
    async verifier(header: JwsHeader): Promise<SignatureCheck | null> {
      if (header.alg !== alg) return null
      if (alg === 'HS256') return hmacVerifier
      if (typeof header.kid !== 'string' || !header.kid) return null
      const row = imported.get(header.kid)?.row ?? (await repo.byKid(header.kid))
      if (!row || row.alg !== alg) return null
      if (row.retired_at !== null && row.retired_at + retention(config) < clock.now()) return null
      return (await load(row)).verify
    },

    /** The JWKS document: public keys of the configured algorithm still able to have live tokens. */
    async jwks(): Promise<{ keys: jose.JWK[] }> {
      if (alg === 'HS256') return { keys: [] }
      const rows = await repo.published(alg, clock.now() - retention(config))
      return {
        keys: rows.map((r) => ({ ...(JSON.parse(r.public_jwk) as jose.JWK), kid: r.kid, alg: r.alg, use: 'sig' })),
      }
    },
  }
}

export type KeyStore = ReturnType<typeof createKeyStore>
