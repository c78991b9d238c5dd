// The provider side of social login, through openid-client: discovery, the authorization URL, the code
// exchange (PKCE, state, nonce, ID-token checks against the provider's JWKS) and the user's profile.
import * as oidc from 'openid-client'
import { type ProviderSpec, isLoopback, isOidc } from '../config/social-providers.ts'

/** Who the provider says the user is. `emailVerified` is true only when the provider says so explicitly. */
export interface Profile {
  readonly uid: string
  readonly email: string | null
  readonly emailVerified: boolean
}

/** Which step failed: the contract answers "Failed to exchange code for access token" or "Failed to complete OAuth flow". */
export class ProviderError extends Error {
  constructor(
    readonly step: 'exchange' | 'complete',
    /** The provider's or the library's own words; shown only with SOCIAL_HIDE_AUTH_ERROR_DETAILS=false. */
    readonly reason: string,
  ) {
    super(reason)
    this.name = 'ProviderError'
  }
}

/** What the code exchange needs besides the code. */
export interface ExchangeInput {
  readonly code: string
  readonly redirectUri: string
  readonly codeVerifier?: string
  readonly nonce?: string
  /** The `iss` the provider sent back with the code (RFC 9207), when it did. */
  readonly iss?: string
}

const DISCOVERY_TTL_MS = 60 * 60 * 1000

const reasonOf = (e: unknown): string => {
  if (e instanceof oidc.ResponseBodyError) return e.error_description ? `${e.error}: ${e.error_description}` : e.error
  if (e instanceof Error) return e.cause instanceof Error ? `${e.message} (${e.cause.message})` : e.message
  return String(e)
}

export function createProviderClient(spec: ProviderSpec, opts: { timeoutSeconds: number }) {
  // Loopback issuers (tests, a local identity server) are plain http; openid-client refuses http unless told.
  const insecure = [spec.issuer, spec.authorizationUrl, spec.tokenUrl].some((u) => u !== null && u.startsWith('http:') && isLoopback(u))
  let metadata: { value: Promise<oidc.ServerMetadata>; at: number } | null = null
  let jwksCache: oidc.ExportedJWKSCache | undefined

  /** The provider's metadata: discovered (OIDC) and cached for an hour, with the table's URLs overriding it. */
  function serverMetadata(): Promise<oidc.ServerMetadata> {
    if (metadata && Date.now() - metadata.at < DISCOVERY_TTL_MS) return metadata.value
    const overrides = {
      ...(spec.authorizationUrl && { authorization_endpoint: spec.authorizationUrl }),
      ...(spec.tokenUrl && { token_endpoint: spec.tokenUrl }),
      ...(spec.userinfoUrl && { userinfo_endpoint: spec.userinfoUrl }),
      ...(spec.jwksUrl && { jwks_uri: spec.jwksUrl }),
    }
    const value = isOidc(spec)
      ? oidc
          .discovery(new URL(spec.issuer!), spec.clientId, undefined, undefined, {
            timeout: opts.timeoutSeconds,
            execute: insecure ? [oidc.allowInsecureRequests] : [],
          })
          .then((c) => ({ ...c.serverMetadata(), ...overrides }))
      : Promise.resolve({ issuer: new URL(spec.authorizationUrl!).origin, ...overrides })
    metadata = { value, at: Date.now() }
    value.catch(() => {
      metadata = null // a provider that was down is asked again next time
    })
    return value
  }

  /** A configuration for one exchange, whose fetch records whether the token endpoint answered. */
  async function configuration(onResponse?: (url: string, ok: boolean) => void): Promise<oidc.Configuration> {
    const config = new oidc.Configuration(await serverMetadata(), spec.clientId, undefined, oidc.ClientSecretPost(spec.clientSecret))
    config.timeout = opts.timeoutSeconds
    if (insecure) oidc.allowInsecureRequests(config)
    // Checks the ID token's signature against the provider's JWKS (openid-client skips it by default for
    // tokens received straight from the token endpoint).
    if (isOidc(spec)) oidc.enableNonRepudiationChecks(config)
    if (jwksCache) oidc.setJwksCache(config, jwksCache)
    if (onResponse) {
      config[oidc.customFetch] = async (url, init) => {
        const res = await fetch(url, init as RequestInit)
        onResponse(url, res.ok)
        return res
      }
    }
    return config
  }

  async function profileOf(config: oidc.Configuration, tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers): Promise<Profile> {
    if (isOidc(spec)) {
      const claims = tokens.claims()
      if (!claims) throw new ProviderError('complete', 'the token response has no ID token')
      let { email, email_verified } = claims as { email?: unknown; email_verified?: unknown }
      if (email === undefined && config.serverMetadata().userinfo_endpoint) {
        const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub)
        email = info.email
        email_verified = info.email_verified
      }
      return { uid: claims.sub, email: typeof email === 'string' ? email : null, emailVerified: email_verified === true }
    }
    const get = async (url: string) => {
      const res = await oidc.fetchProtectedResource(config, tokens.access_token, new URL(url), 'GET')
      if (!res.ok) throw new ProviderError('complete', `${url} answered ${res.status}`)
      return (await res.json()) as Record<string, unknown>
    }
    const user = await get(spec.userinfoUrl!)
    const uid = typeof user.id === 'string' || typeof user.id === 'number' ? String(user.id) : null
    if (!uid) throw new ProviderError('complete', 'the profile has no id')
    if (spec.emailsUrl) {
      // GitHub: the profile's address carries no verified flag; the list of addresses does.
      const list = (await get(spec.emailsUrl)) as unknown
      const all = Array.isArray(list) ? (list as { email?: unknown; primary?: unknown; verified?: unknown }[]) : []
      const primary = all.find((e) => e.primary === true) ?? all[0]
      return { uid, email: typeof primary?.email === 'string' ? primary.email : null, emailVerified: primary?.verified === true }
    }
    // Discord: `verified` says whether its `email` is.
    return { uid, email: typeof user.email === 'string' ? user.email : null, emailVerified: user.verified === true }
  }

  return {
    spec,

    /** The provider URL a browser is sent to: code flow, PKCE S256, state, and a nonce for OIDC. */
    async authorizationUrl(p: { redirectUri: string; state: string; codeVerifier: string; nonce: string | null }): Promise<URL> {
      const config = await configuration()
      return oidc.buildAuthorizationUrl(config, {
        redirect_uri: p.redirectUri,
        scope: spec.scopes.join(' '),
        state: p.state,
        code_challenge: await oidc.calculatePKCECodeChallenge(p.codeVerifier),
        code_challenge_method: 'S256',
        ...(p.nonce && { nonce: p.nonce }),
      })
    },

    /** Exchanges the code and reads the profile; throws ProviderError saying which step failed. */
    async exchange(input: ExchangeInput): Promise<Profile> {
      let tokenAnswered = false
      let config: oidc.Configuration
      try {
        config = await configuration((url, ok) => {
          if (ok && url === config.serverMetadata().token_endpoint) tokenAnswered = true
        })
      } catch (e) {
        throw new ProviderError('exchange', reasonOf(e))
      }
      const callback = new URL(input.redirectUri)
      callback.searchParams.set('code', input.code)
      const iss = input.iss ?? (config.serverMetadata().authorization_response_iss_parameter_supported ? config.serverMetadata().issuer : undefined)
      if (iss) callback.searchParams.set('iss', iss)
      try {
        const tokens = await oidc.authorizationCodeGrant(config, callback, {
          pkceCodeVerifier: input.codeVerifier,
          expectedNonce: input.nonce,
          idTokenExpected: isOidc(spec),
        })
        jwksCache = oidc.getJwksCache(config) ?? jwksCache
        return await profileOf(config, tokens)
      } catch (e) {
        if (e instanceof ProviderError) throw e
        throw new ProviderError(tokenAnswered ? 'complete' : 'exchange', reasonOf(e))
      }
    },
  }
}

export type ProviderClient = ReturnType<typeof createProviderClient>
