// A software passkey authenticator for HTTP tests: an ES256 key (WebCrypto) that answers creation and request
// options the way a browser + platform authenticator would (clientDataJSON, authenticatorData, 'none'
// attestation in CBOR, DER signatures), with knobs to break one rule at a time.

const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url')
const fromB64url = (s: string) => new Uint8Array(Buffer.from(s, 'base64url'))
const sha256 = async (data: Uint8Array) => new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array(data)))
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

// --- a tiny CBOR encoder: just what COSE keys and attestation objects use (ints, bytes, text, maps) ---
type Cbor = number | string | Uint8Array | Map<Cbor, Cbor>
function head(major: number, n: number): Uint8Array {
  if (n < 24) return Uint8Array.of((major << 5) | n)
  if (n < 0x100) return Uint8Array.of((major << 5) | 24, n)
  if (n < 0x10000) return Uint8Array.of((major << 5) | 25, n >> 8, n & 0xff)
  return Uint8Array.of((major << 5) | 26, (n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff)
}
export function cbor(v: Cbor): Uint8Array {
  if (typeof v === 'number') return v >= 0 ? head(0, v) : head(1, -1 - v)
  if (typeof v === 'string') {
    const bytes = new TextEncoder().encode(v)
    return concat(head(3, bytes.length), bytes)
  }
  if (v instanceof Uint8Array) return concat(head(2, v.length), v)
  return concat(head(5, v.size), ...[...v].flatMap(([k, val]) => [cbor(k), cbor(val)]))
}

/** WebCrypto's raw r||s ECDSA signature -> the ASN.1 DER form WebAuthn carries. */
function derSignature(raw: Uint8Array): Uint8Array {
  const int = (b: Uint8Array) => {
    let i = 0
    while (i < b.length - 1 && b[i] === 0) i++
    let v = b.slice(i)
    if (v[0]! & 0x80) v = concat(Uint8Array.of(0), v)
    return concat(Uint8Array.of(0x02, v.length), v)
  }
  const body = concat(int(raw.slice(0, 32)), int(raw.slice(32)))
  return concat(Uint8Array.of(0x30, body.length), body)
}

const FLAG_UP = 0x01
const FLAG_UV = 0x04
const FLAG_AT = 0x40

/** Knobs for one ceremony; each defaults to what an honest browser on `origin` sends. */
export interface CeremonyOpts {
  readonly origin?: string
  /** The RP ID hashed into authenticatorData (default: the options' RP ID). */
  readonly rpId?: string
  /** User verification performed (the UV flag). */
  readonly uv?: boolean
  /** The signature counter to report (default: one more than last time). */
  readonly counter?: number
  /** Sign a different challenge than the options hold. */
  readonly challenge?: string
}

interface CreationOptions {
  challenge: string
  rp: { id?: string; name: string }
  user: { id: string; name: string }
}
interface RequestOptions {
  challenge: string
  rpId?: string
}

export class SoftAuthenticator {
  readonly credentialId = crypto.getRandomValues(new Uint8Array(16))
  private counter = 0
  private userHandle = ''
  private rpId = ''

  private constructor(private readonly keys: CryptoKeyPair) {}

  static async create(): Promise<SoftAuthenticator> {
    const keys = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'])) as CryptoKeyPair
    return new SoftAuthenticator(keys)
  }

  get id(): string {
    return b64url(this.credentialId)
  }

  private async authData(rpId: string, flags: number, counter: number, attested?: Uint8Array): Promise<Uint8Array> {
    const count = Uint8Array.of((counter >>> 24) & 0xff, (counter >> 16) & 0xff, (counter >> 8) & 0xff, counter & 0xff)
    return concat(await sha256(new TextEncoder().encode(rpId)), Uint8Array.of(flags), count, attested ?? new Uint8Array())
  }

  private clientData(type: string, challenge: string, origin: string): Uint8Array {
    return new TextEncoder().encode(JSON.stringify({ type, challenge, origin, crossOrigin: false }))
  }

  private nextCounter(opts: CeremonyOpts) {
    this.counter = opts.counter ?? this.counter + 1
    return this.counter
  }

  /** Answers navigator.credentials.create(options) as @simplewebauthn/browser's startRegistration would. */
  async register(options: CreationOptions, opts: CeremonyOpts = {}) {
    this.rpId = options.rp.id ?? 'localhost'
    this.userHandle = options.user.id
    const jwk = await crypto.subtle.exportKey('jwk', this.keys.publicKey)
    const cose = cbor(
      new Map<Cbor, Cbor>([
        [1, 2], // kty: EC2
        [3, -7], // alg: ES256
        [-1, 1], // crv: P-256
        [-2, fromB64url(jwk.x!)],
        [-3, fromB64url(jwk.y!)],
      ]),
    )
    const attested = concat(new Uint8Array(16), Uint8Array.of(0, this.credentialId.length), this.credentialId, cose)
    const flags = FLAG_UP | FLAG_AT | (opts.uv === false ? 0 : FLAG_UV)
    const authData = await this.authData(opts.rpId ?? this.rpId, flags, this.nextCounter({ counter: opts.counter ?? 0 }), attested)
    const attestationObject = cbor(new Map<Cbor, Cbor>([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData]]))
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key' as const,
      response: {
        clientDataJSON: b64url(this.clientData('webauthn.create', opts.challenge ?? options.challenge, opts.origin ?? 'http://localhost')),
        attestationObject: b64url(attestationObject),
        transports: ['internal'],
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    }
  }

  /** Answers navigator.credentials.get(options) with this (discoverable) credential. */
  async login(options: RequestOptions, opts: CeremonyOpts = {}) {
    const flags = FLAG_UP | (opts.uv === false ? 0 : FLAG_UV)
    const authData = await this.authData(opts.rpId ?? options.rpId ?? this.rpId, flags, this.nextCounter(opts))
    const clientDataJSON = this.clientData('webauthn.get', opts.challenge ?? options.challenge, opts.origin ?? 'http://localhost')
    const signed = concat(authData, await sha256(clientDataJSON))
    const raw = new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, this.keys.privateKey, new Uint8Array(signed)))
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key' as const,
      response: {
        clientDataJSON: b64url(clientDataJSON),
        authenticatorData: b64url(authData),
        signature: b64url(derSignature(raw)),
        userHandle: this.userHandle,
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    }
  }
}
