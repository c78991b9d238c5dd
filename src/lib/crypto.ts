// Small crypto primitives: random secrets, SHA-256 digests and constant-time comparison.
import { timingSafeEqual } from 'node:crypto'

/** `bytes` random bytes as base64url (no padding): URL-, cookie- and header-safe. */
export function randomToken(bytes = 32): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString('base64url')
}

/** Hex SHA-256 of a UTF-8 string; what we store instead of a secret. */
export function sha256(value: string): string {
  return new Bun.CryptoHasher('sha256').update(value).digest('hex')
}

/** Constant-time string equality; lengths are compared through fixed-size digests so they leak nothing. */
export function safeEqual(a: string, b: string): boolean {
  const da = new Bun.CryptoHasher('sha256').update(a).digest()
  const db = new Bun.CryptoHasher('sha256').update(b).digest()
  return timingSafeEqual(da, db) && a.length === b.length
}
