// Parsing and signature check of a compact JWS (RFC 7515 §7.1), for the tokens authkit signs itself.
//
// Why not jose.jwtVerify: its generic JOSE handling costs ~30-75 µs of JS-thread time per token on top
// of the signature check itself, and every refresh pays one. This function does only what our tokens
// need and refuses everything else: exactly three base64url segments, a JSON-object header whose `alg`
// is exactly the configured one, no `crit` (no extension we would have to understand), and a signature
// checked with the key our store picks for the header (by `kid`; never a key carried in the token).
// Claims (typ, token_type, exp, iat, ...) are the caller's: see jwt.ts. The check itself is keys.ts's.
// A caller that recorded the exact tokens it issued (refresh tokens: see refresh.ts) may say so through
// `recorded`; a token it recognises skips only the signature computation, never the checks above.

/** Checks `signature` over the signing input with one stored key of the configured algorithm. */
export type SignatureCheck = (input: Buffer<ArrayBuffer>, signature: Buffer<ArrayBuffer>) => boolean | Promise<boolean>

export type JwsHeader = Readonly<Record<string, unknown>>

/** base64url without padding (RFC 7515 §2): anything else is refused before decoding. */
const SEGMENT = /^[A-Za-z0-9_-]+$/

/** Invalid UTF-8 is an error, not U+FFFD (as jose decodes). */
const utf8 = new TextDecoder('utf-8', { fatal: true })

const jsonObject = (segment: string): Record<string, unknown> | null => {
  try {
    const value: unknown = JSON.parse(utf8.decode(Buffer.from(segment, 'base64url')))
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null
  } catch {
    return null
  }
}

/**
 * The header and payload of `token` when its signature is valid under `alg` and the key `keyFor`
 * returns for its header; null for anything else (malformed, other alg, `crit`, unknown key, bad signature).
 * `recorded(token, payload)` true means: this exact string is one we signed and stored a digest of, so its
 * signature is not computed again.
 */
export async function verifyCompactJws(
  token: string,
  alg: string,
  keyFor: (header: JwsHeader) => SignatureCheck | null | Promise<SignatureCheck | null>,
  recorded?: (token: string, payload: Record<string, unknown>) => boolean | Promise<boolean>,
): Promise<{ header: JwsHeader; payload: Record<string, unknown> } | null> {
  const parts = token.split('.')
  if (parts.length !== 3) return null
  const [h, p, s] = parts as [string, string, string]
  if (!SEGMENT.test(h) || !SEGMENT.test(p) || !SEGMENT.test(s)) return null
  const header = jsonObject(h)
  if (!header || header.alg !== alg || 'crit' in header) return null
  const check = await keyFor(header)
  if (!check) return null
  const signature = Buffer.from(s, 'base64url')
  // One encoding per signature: Buffer's decoder ignores stray trailing bits, so a re-encoding must match.
  if (signature.toString('base64url') !== s) return null
  const payload = jsonObject(p)
  if (!payload) return null
  if (await recorded?.(token, payload)) return { header, payload }
  let valid: boolean
  try {
    valid = await check(Buffer.from(`${h}.${p}`, 'latin1'), signature)
  } catch {
    return null // e.g. a signature of the wrong length for the key
  }
  return valid ? { header, payload } : null
}
