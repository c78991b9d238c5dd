// MFA's keys, derived from SECRET_KEY with HKDF (one key per purpose), and what is done with them:
// TOTP secrets sealed with AES-256-GCM, and backup and e-mailed codes stored as HMAC-SHA256 digests.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto'

const VERSION = 'v1'

export interface MfaKeys {
  /** Encrypts a TOTP secret; `context` (user and method) is authenticated, so a sealed value moved to another row does not open. */
  seal(plain: string, context: string): string
  /** The secret `seal` was given, or null when the value was tampered with, moved, or sealed under another SECRET_KEY. */
  open(sealed: string, context: string): string | null
  /** A keyed digest of a code (hex): what is stored instead of the code. */
  digest(code: string, context: string): string
}

const derive = (secretKey: string, purpose: string) => Buffer.from(hkdfSync('sha256', secretKey, 'authkit-mfa', purpose, 32))

export function createMfaKeys(secretKey: string): MfaKeys {
  const sealKey = derive(secretKey, 'totp-secret-aes-256-gcm')
  const codeKey = derive(secretKey, 'code-hmac-sha256')
  return {
    seal(plain, context) {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', sealKey, iv)
      cipher.setAAD(Buffer.from(context))
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()])
      return `${VERSION}.${iv.toString('base64url')}.${body.toString('base64url')}`
    },
    open(sealed, context) {
      const [version, iv, body] = sealed.split('.')
      if (version !== VERSION || !iv || !body) return null
      const bytes = Buffer.from(body, 'base64url')
      if (bytes.length < 16) return null
      try {
        const decipher = createDecipheriv('aes-256-gcm', sealKey, Buffer.from(iv, 'base64url'))
        decipher.setAAD(Buffer.from(context))
        decipher.setAuthTag(bytes.subarray(bytes.length - 16))
        return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString('utf8')
      } catch {
        return null
      }
    },
    digest: (code, context) => createHmac('sha256', codeKey).update(`${context}\u0000${code}`).digest('hex'),
  }
}
