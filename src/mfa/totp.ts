// TOTP (RFC 6238: HMAC-SHA-1, 6 digits) through otpauth, and the otpauth:// URI as an SVG QR code (uqr).
import type * as Otpauth from 'otpauth'
import type * as Uqr from 'uqr'

// Loaded at first use rather than at start-up: MFA is off by default, and evaluating otpauth made every
// start a few milliseconds slower (`require` of an ES module is synchronous in Bun).
let otpauth: typeof Otpauth | undefined
let uqr: typeof Uqr | undefined
const lib = () => (otpauth ??= require('otpauth') as typeof Otpauth)
const qr = () => (uqr ??= require('uqr') as typeof Uqr)

export interface TotpParams {
  /** Seconds per step (MFA_TOTP_DEFAULT_INTERVAL). */
  readonly period: number
  /** Steps accepted either side of the current one (MFA_TOTP_DEFAULT_VALID_WINDOW). */
  readonly window: number
}

const totp = (secret: string, period: number, issuer = '', label = '') =>
  new (lib().TOTP)({ issuer, label, algorithm: 'SHA1', digits: 6, period, secret: lib().Secret.fromBase32(secret) })

/** A new secret as base32: 160 random bits, the length RFC 4226 recommends (and pyotp's random_base32(32)). */
export const newTotpSecret = () => new (lib().Secret)({ size: 20 }).base32

/** The `otpauth://totp/Issuer:account?...` URI authenticator apps read from the QR code. */
export const totpUri = (secret: string, p: { issuer: string; account: string; period: number }) =>
  totp(secret, p.period, p.issuer, p.account).toString()

/** The code for `now` (tests, and nothing else: the server never needs to show one). */
export const totpCode = (secret: string, now: number, period: number) => totp(secret, period).generate({ timestamp: now })

/**
 * The time step `code` belongs to, within the window around `now`, or null. The caller accepts it only
 * when it is later than the last step it accepted, so no code works twice. Each candidate is compared in
 * constant time by otpauth.
 */
export function totpStep(secret: string, code: string, now: number, p: TotpParams): number | null {
  const token = code.replace(/\s/g, '')
  if (!/^\d{6}$/.test(token)) return null
  const delta = totp(secret, p.period).validate({ token, timestamp: now, window: p.window })
  return delta === null ? null : Math.floor(now / 1000 / p.period) + delta
}

/** A QR code of `text` as a standalone SVG document. */
export const qrSvg = (text: string) => qr().renderSVG(text, { pixelSize: 6 })
