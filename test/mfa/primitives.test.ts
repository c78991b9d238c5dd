// The building blocks of MFA on their own: RFC 6238 vectors, the sealed secrets, the keyed digests, the codes.
import { describe, expect, it } from 'bun:test'
import { CROCKFORD, backupCodes, normalizeBackupCode, sixDigits } from '../../src/mfa/codes.ts'
import { createMfaKeys } from '../../src/mfa/keys.ts'
import { qrSvg, totpCode, totpStep, totpUri } from '../../src/mfa/totp.ts'

// RFC 6238 appendix B, SHA-1: the secret is the ASCII "12345678901234567890"; authkit's codes are the
// 6-digit truncation of the same HOTP values (the RFC prints 8 digits).
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'
const RFC_VECTORS: [seconds: number, eightDigits: string][] = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
]

describe('TOTP (RFC 6238)', () => {
  it.each(RFC_VECTORS)('RFC 6238 test vector at T=%d', (seconds, eight) => {
    expect(totpCode(RFC_SECRET, seconds * 1000, 30)).toBe(eight.slice(2))
    expect(totpStep(RFC_SECRET, eight.slice(2), seconds * 1000, { period: 30, window: 0 })).toBe(Math.floor(seconds / 30))
  })

  it('accepts a code of a neighbouring step only within the window, and says which step it was', () => {
    const now = 1_700_000_000_000
    const step = Math.floor(now / 30_000)
    const previous = totpCode(RFC_SECRET, now - 30_000, 30)
    expect(totpStep(RFC_SECRET, previous, now, { period: 30, window: 1 })).toBe(step - 1)
    expect(totpStep(RFC_SECRET, previous, now, { period: 30, window: 0 })).toBeNull()
    const twoAgo = totpCode(RFC_SECRET, now - 60_000, 30)
    expect(totpStep(RFC_SECRET, twoAgo, now, { period: 30, window: 1 })).toBeNull()
  })

  it('refuses anything that is not six digits without an error', () => {
    for (const bad of ['', '12345', '1234567', 'abcdef', '12 34 5x', '٠١٢٣٤٥']) {
      expect(totpStep(RFC_SECRET, bad, 59_000, { period: 30, window: 1 })).toBeNull()
    }
  })

  it('writes the otpauth:// URI apps expect, and a QR code of it as SVG', () => {
    const uri = totpUri(RFC_SECRET, { issuer: 'authkit', account: 'alice', period: 30 })
    const url = new URL(uri)
    expect(url.protocol).toBe('otpauth:')
    expect(decodeURIComponent(url.pathname)).toContain('authkit:alice')
    expect(url.searchParams.get('secret')).toBe(RFC_SECRET)
    expect(url.searchParams.get('issuer')).toBe('authkit')
    expect(url.searchParams.get('algorithm')).toBe('SHA1')
    expect(url.searchParams.get('digits')).toBe('6')
    expect(url.searchParams.get('period')).toBe('30')
    const svg = qrSvg(uri)
    expect(svg).toStartWith('<svg')
    expect(svg).not.toContain('<script')
  })
})

describe('MFA keys (derived from SECRET_KEY)', () => {
  const keys = createMfaKeys('a-secret-key-that-is-long-enough-0123456789')

  it('TOTP secret sealing: AES-256-GCM round trip, bound to its row, tamper-evident, useless under another SECRET_KEY', () => {
    const sealed = keys.seal(RFC_SECRET, 'totp-secret/1/app')
    expect(sealed).not.toContain(RFC_SECRET)
    expect(keys.seal(RFC_SECRET, 'totp-secret/1/app')).not.toBe(sealed) // a fresh IV each time
    expect(keys.open(sealed, 'totp-secret/1/app')).toBe(RFC_SECRET)
    expect(keys.open(sealed, 'totp-secret/2/app')).toBeNull()
    const [v, iv, body] = sealed.split('.')
    const flipped = Buffer.from(body!, 'base64url')
    flipped[0]! ^= 1
    expect(keys.open(`${v}.${iv}.${flipped.toString('base64url')}`, 'totp-secret/1/app')).toBeNull()
    expect(keys.open('garbage', 'totp-secret/1/app')).toBeNull()
    expect(createMfaKeys('another-secret-key-that-is-long-enough-987').open(sealed, 'totp-secret/1/app')).toBeNull()
  })

  it('code digests are keyed: the same code under another SECRET_KEY or context digests differently', () => {
    const d = keys.digest('ABCDEFGHJKMN', 'backup-code/1')
    expect(d).toMatch(/^[0-9a-f]{64}$/)
    expect(keys.digest('ABCDEFGHJKMN', 'backup-code/1')).toBe(d)
    expect(keys.digest('ABCDEFGHJKMN', 'backup-code/2')).not.toBe(d)
    expect(createMfaKeys('another-secret-key-that-is-long-enough-987').digest('ABCDEFGHJKMN', 'backup-code/1')).not.toBe(d)
    expect(d).not.toBe(new Bun.CryptoHasher('sha256').update('ABCDEFGHJKMN').digest('hex'))
  })
})

describe('codes', () => {
  it('backup codes: the requested number, all distinct, of the requested length, from the Crockford alphabet', () => {
    const codes = backupCodes(10, 12)
    expect(codes).toHaveLength(10)
    expect(new Set(codes).size).toBe(10)
    for (const c of codes) {
      expect(c).toHaveLength(12)
      for (const ch of c) expect(CROCKFORD).toContain(ch)
    }
    // Every character of the alphabet turns up (a biased or short alphabet would not, over this many).
    expect(new Set(backupCodes(50, 64).join('')).size).toBe(32)
  })

  it('a typed backup code is read the way Crockford intends: case, spaces, dashes, O/I/L', () => {
    expect(normalizeBackupCode('abcd-efgh jkmn')).toBe('ABCDEFGHJKMN')
    expect(normalizeBackupCode('o1il')).toBe('0111')
  })

  it('e-mailed codes are six digits, leading zeros kept', () => {
    const seen = new Set<string>()
    for (let i = 0; i < 2000; i++) {
      const c = sixDigits()
      expect(c).toMatch(/^\d{6}$/)
      seen.add(c)
    }
    expect(seen.size).toBeGreaterThan(1990)
  })
})
