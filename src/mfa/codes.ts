// The codes MFA hands out: backup codes (Crockford base32) and e-mailed 6-digit codes, uniformly random.

/** Crockford's base32 alphabet, DRF Auth Kit's BACKUP_CODE_ALLOWED_CHARS: no I, L, O, U. */
export const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

/** `length` characters from CROCKFORD; 32 divides 256, so a byte's low 5 bits pick one with no bias. */
export function backupCode(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length))
  let out = ''
  for (const b of bytes) out += CROCKFORD[b & 31]
  return out
}

/** `count` distinct backup codes (DRF Auth Kit's set could come out short; this one never does). */
export function backupCodes(count: number, length: number): string[] {
  const set = new Set<string>()
  while (set.size < count) set.add(backupCode(length))
  return [...set]
}

/**
 * A typed backup code as stored: upper case, without the spaces and dashes people add when copying, and
 * with Crockford's look-alikes read as the digits they stand for (O -> 0, I and L -> 1).
 */
export const normalizeBackupCode = (typed: string) =>
  typed
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1')

/** A uniformly random 6-digit code (rejection sampling: 2^32 is not a multiple of 10^6). */
export function sixDigits(): string {
  const limit = 4_294_000_000 // largest multiple of 1e6 below 2^32
  const word = new Uint32Array(1)
  do crypto.getRandomValues(word)
  while (word[0]! >= limit)
  return String(word[0]! % 1_000_000).padStart(6, '0')
}
