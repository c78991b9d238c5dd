// JWT signing keys: generated on first use and stored in the database (EdDSA, RS256, ES256) or derived
// from SECRET_KEY (HS256); rotation adds a key and keeps the old one verifying until its tokens expire.
import { createHmac, createPrivateKey, sign as nodeSign, timingSafeEqual } from 'node:crypto'
import * as jose from 'jose'
import type { Database } from '../db/open.ts'
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
  readonly sign: (input: string) => Buffer
}

/**
 * A JWS signer on node:crypto: about half the CPU of signing through WebCrypto (EdDSA 22 vs 45-75 µs),
 * which matters on refresh (two signatures per call). Verification goes through WebCrypto: see publicVerifierFor.
 */
function signerFor(alg: JwtAlgorithm, secret: Uint8Array | jose.JWK): (input: string) => Buffer {
  if (alg === 'HS256') return (input) => createHmac('sha256', secret as Uint8Array).update(input).digest()
  const key = createPrivateKey({ key: secret as jose.JWK & { kty: string }, format: 'jwk' })
  if (alg === 'EdDSA') return (input) => nodeSign(null, Buffer.from(input), key)
  if (alg === 'ES256') return (input) => nodeSign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' })
  return (input) => nodeSign('sha256', Buffer.from(input), key) // RS256: RSASSA-PKCS1-v1_5
}

/** WebCrypto parameters of a JWS signature check (ES256 signatures are r||s, as WebCrypto takes them). */
const VERIFY_PARAMS: Record<AsymmetricAlgorithm, AlgorithmIdentifier | EcdsaParams> = {
  EdDSA: 'Ed25519',
  ES256: { name: 'ECDSA', hash: 'SHA-256' },
  RS256: 'RSASSA-PKCS1-v1_5',
}

/** The check of an HS256 signature made by signerFor: a cheap HMAC, compared in constant time. */
function hmacVerifierFor(secret: Uint8Array): SignatureCheck {
  const mac = signerFor('HS256', secret)
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
  const params = VERIFY_PARAMS[alg]
  return (input, signature) => crypto.subtle.verify(params, key, signature, input)
}

/** How long a retired key keeps verifying (and stays published): the longest life of a token it signed. */
export const retention = (c: KeyConfig) => Math.max(c.accessTokenLifetime, c.refreshTokenLifetime) * 1000

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
  const repo = createSigningKeysRepo(deps.db)
  deps.db.transaction(() => {
    repo.insert({ kid, alg, publicJwk: JSON.stringify(publicJwk), privateJwk: JSON.stringify(privateJwk), now })
    repo.retireOthers(alg, kid, now)
    repo.pruneRetired(now - retention(deps.config))
  })()
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
  const hmacSigner = signerFor('HS256', hmacKey)
  const hmacVerifier = hmacVerifierFor(hmacKey)
  const imported = new Map<string, { row: SigningKeyRow; verify: SignatureCheck; privateKey?: Key; sign?: (input: string) => Buffer }>()
  let generating: Promise<string> | null = null

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
     * The key new tokens are signed with. Read from the database on every call (logins and refreshes
     * only), so a `keys rotate` run by another process takes effect at once.
     */
    async signingKey(): Promise<SigningKey> {
      if (alg === 'HS256') return { alg, kid: undefined, key: hmacKey, sign: hmacSigner }
      let row = repo.current(alg)
      if (!row) {
        generating ??= rotateSigningKey(deps, alg).finally(() => {
          generating = null
        })
        await generating
        row = repo.current(alg)
        if (!row) throw new Error('no signing key after generating one')
      }
      const entry = await load(row)
      entry.privateKey ??= await jose.importJWK(JSON.parse(row.private_jwk) as jose.JWK, row.alg)
      entry.sign ??= signerFor(row.alg as JwtAlgorithm, JSON.parse(row.private_jwk) as jose.JWK)
      return { alg, kid: row.kid, key: entry.privateKey, sign: entry.sign }
    },

    /**
     * The signature check for a token's header, or null: wrong algorithm, no or unknown kid, a key of
     * another algorithm, or a key retired too long ago. Only keys from our own store are ever used.
     */
    async verifier(header: JwsHeader): Promise<SignatureCheck | null> {
      if (header.alg !== alg) return null
      if (alg === 'HS256') return hmacVerifier
      if (typeof header.kid !== 'string' || !header.kid) return null
      const row = imported.get(header.kid)?.row ?? repo.byKid(header.kid)
      if (!row || row.alg !== alg) return null
      if (row.retired_at !== null && row.retired_at + retention(config) < clock.now()) return null
      return (await load(row)).verify
    },

    /** The JWKS document: public keys of the configured algorithm still able to have live tokens. */
    jwks(): { keys: jose.JWK[] } {
      if (alg === 'HS256') return { keys: [] }
      const rows = repo.published(alg, clock.now() - retention(config))
      return {
        keys: rows.map((r) => ({ ...(JSON.parse(r.public_jwk) as jose.JWK), kid: r.kid, alg: r.alg, use: 'sig' })),
      }
    },
  }
}

export type KeyStore = ReturnType<typeof createKeyStore>
