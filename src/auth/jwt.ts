// Access and refresh JWTs: claims of API.md §4, and a verifier that pins algorithm, typ, token type,
// expiry and issuer/audience. The live-session check is the caller's (see authenticate.ts).
import type { Clock } from '../lib/clock.ts'
import { verifyCompactJws } from './jws.ts'
import type { KeyStore, SigningKey } from './keys.ts'

export type TokenType = 'access' | 'refresh'

const base64url = (text: string) => Buffer.from(text).toString('base64url')

/** `typ` header per token type (RFC 9068 for access tokens), so one can never pass for the other. */
const TYP: Record<TokenType, string> = { access: 'at+jwt', refresh: 'refresh+jwt' }

export interface TokenClaims {
  /** User pk as a string. */
  sub: string
  user_id: string
  /** Session id. */
  sid: string
  jti: string
  iat: number
  exp: number
  token_type: TokenType
}

/** Why a token was refused; `expired` only when everything else about it was right. */
export class TokenRejected extends Error {
  constructor(readonly reason: 'invalid' | 'expired') {
    super(reason === 'expired' ? 'Token is expired' : 'Token is invalid')
    this.name = 'TokenRejected'
  }
}

/** What a token is issued for; times are unix ms and are written as whole seconds. */
export interface TokenInput {
  userId: number
  sessionId: string
  jti: string
  issuedAt: number
  expiresAt: number
}

export interface JwtConfig {
  readonly jwtIssuer: string | null
  readonly jwtAudience: string | null
}

/** RFC 7519 §4.1.3: `aud` is one string or an array of them. */
const audienceIncludes = (aud: unknown, expected: string) =>
  aud === expected || (Array.isArray(aud) && aud.includes(expected))

/** Access tokens whose signature and claims were already checked; bounded, oldest generation dropped first. */
const VERIFIED_CACHE_SIZE = 10_000

export function createJwt(deps: { keys: KeyStore; config: JwtConfig; clock: Clock }) {
  const { keys, config, clock } = deps
  // A signature check costs ~100 µs and a client sends the same access token many times. Whether a
  // given string is correctly signed never changes, so the result is remembered per exact token;
  // expiry is re-checked on every hit, and revocation is never cached (the caller checks the session).
  // Two generations of up to half the size each, not a FIFO: once a Map is full, dropping its oldest
  // entry (keys().next() then delete) costs 12-18 µs in JSC, which skips the deleted slots at its front;
  // starting a new generation costs nothing. A hit in the old generation moves to the new one.
  let verified = new Map<string, TokenClaims>()
  let previous = new Map<string, TokenClaims>()
  const remember = (token: string, claims: TokenClaims) => {
    if (verified.size >= VERIFIED_CACHE_SIZE / 2) {
      previous = verified
      verified = new Map()
    }
    verified.set(token, claims)
  }
  const remembered = (token: string): TokenClaims | undefined => {
    const hit = verified.get(token)
    if (hit) return hit
    const old = previous.get(token)
    if (old) remember(token, old)
    return old
  }

  const signWith = async (signing: SigningKey, type: TokenType, t: TokenInput): Promise<string> => {
    const claims: TokenClaims = {
      sub: String(t.userId),
      user_id: String(t.userId),
      sid: t.sessionId,
      jti: t.jti,
      iat: Math.floor(t.issuedAt / 1000),
      exp: Math.floor(t.expiresAt / 1000),
      token_type: type,
    }
    // Compact JWS by hand (RFC 7515 §7.1): the signature is keys.ts's, and jose adds ~30 µs a token.
    const header = { alg: signing.alg, typ: TYP[type], ...(signing.kid ? { kid: signing.kid } : {}) }
    const payload = {
      ...claims,
      ...(config.jwtIssuer ? { iss: config.jwtIssuer } : {}),
      ...(config.jwtAudience ? { aud: config.jwtAudience } : {}),
    }
    const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`
    return `${input}.${(await signing.sign(input)).toString('base64url')}`
  }

  return {
    /** Signs a token with the current key. */
    async sign(type: TokenType, t: TokenInput) {
      return signWith(await keys.signingKey(), type, t)
    },

    /** An access and a refresh token signed with one lookup of the current key, both at once. */
    async signPair(access: TokenInput, refresh: TokenInput): Promise<{ access: string; refresh: string }> {
      const signing = await keys.signingKey()
      const [a, r] = await Promise.all([signWith(signing, 'access', access), signWith(signing, 'refresh', refresh)])
      return { access: a, refresh: r }
    },

    /**
     * Verifies signature (pinned algorithm), typ, token type, expiry and iss/aud; throws TokenRejected.
     * `recorded`: see verifyCompactJws (a token we stored a digest of is not signature-checked again).
     */
    async verify(token: string, type: TokenType, recorded?: (token: string, payload: Record<string, unknown>) => boolean | Promise<boolean>): Promise<TokenClaims> {
      const known = type === 'access' ? remembered(token) : undefined
      if (known) {
        if (known.exp * 1000 <= clock.now()) throw new TokenRejected('expired')
        return known
      }
      const verified = await verifyCompactJws(token, keys.alg, keys.verifier, recorded)
      if (!verified || verified.header.typ !== TYP[type]) throw new TokenRejected('invalid')
      const { payload } = verified
      const now = Math.floor(clock.now() / 1000)
      if (
        payload.token_type !== type ||
        typeof payload.exp !== 'number' ||
        typeof payload.iat !== 'number' ||
        (payload.nbf !== undefined && (typeof payload.nbf !== 'number' || payload.nbf > now)) ||
        typeof payload.sid !== 'string' ||
        typeof payload.jti !== 'string' ||
        typeof payload.sub !== 'string' ||
        !/^\d+$/.test(payload.sub) ||
        (config.jwtIssuer && payload.iss !== config.jwtIssuer) ||
        (config.jwtAudience && !audienceIncludes(payload.aud, config.jwtAudience))
      ) {
        throw new TokenRejected('invalid')
      }
      // Last, so `expired` means everything else about the token was right.
      if (payload.exp <= now) throw new TokenRejected('expired')
      const claims = payload as unknown as TokenClaims
      if (type === 'access') remember(token, claims)
      return claims
    },
  }
}

export type Jwt = ReturnType<typeof createJwt>
