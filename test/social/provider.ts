// Test identity providers on loopback: a real OpenID Connect provider (the `oidc-provider` package) with
// test accounts, a client per authkit redirect URI and PKCE required, driven over HTTP like a browser;
// and a tiny fake OIDC provider whose token endpoint misbehaves on demand (errors, slow, bad ID tokens).
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type JWK, SignJWT, exportJWK, generateKeyPair } from 'jose'
import Provider from 'oidc-provider'

export interface TestAccount {
  email: string
  email_verified: boolean
}

export interface RealProvider {
  issuer: string
  clientId: string
  clientSecret: string
  /** Test accounts by login name; an unknown login signs in as `<login>@example.com`, verified. */
  accounts: Map<string, TestAccount>
  close(): Promise<void>
}

/** Starts oidc-provider on 127.0.0.1 with a confidential client for `redirectUris` (PKCE required). */
export async function startRealProvider(redirectUris: string[], clientId = 'authkit-test'): Promise<RealProvider> {
  const accounts = new Map<string, TestAccount>()
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const clientSecret = 'test-client-secret-0123456789'
  // Quiet: it warns about its development defaults (in-memory adapter, keys, interactions) on construction.
  const warn = console.warn
  console.warn = () => {}
  const provider = new Provider(issuer, {
    clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: redirectUris, token_endpoint_auth_method: 'client_secret_post' }],
    async findAccount(_ctx, id) {
      const a = accounts.get(id) ?? { email: `${id}@example.com`, email_verified: true }
      return { accountId: id, claims: async () => ({ sub: id, ...a }) }
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    pkce: { required: () => true },
    cookies: { keys: ['test-cookie-key-0123456789abcdef'] },
    ttl: { Interaction: 600, Session: 600, Grant: 600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
  })
  console.warn = warn
  server.on('request', provider.callback())
  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** A cookie jar for one "browser" at the provider (names only: the test provider is one origin). */
class Jar {
  private cookies = new Map<string, string>()
  take(res: Response) {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const i = pair!.indexOf('=')
      this.cookies.set(pair!.slice(0, i).trim(), pair!.slice(i + 1))
    }
  }
  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }
}

/**
 * Plays the user at the provider: opens `authorizeUrl`, signs in as `login` on the login page, consents,
 * and returns the URL the provider sends the browser back to (authkit's callback with code, state, iss).
 */
export async function signInAtProvider(authorizeUrl: string, login: string): Promise<URL> {
  const jar = new Jar()
  let url = authorizeUrl
  for (let step = 0; step < 12; step++) {
    const res = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header() } })
    jar.take(res)
    const location = res.headers.get('location')
    if (location) {
      const next = new URL(location, url)
      if (!next.href.startsWith(new URL(authorizeUrl).origin)) return next
      url = next.href
      continue
    }
    const html = await res.text()
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1]
    const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1]
    if (!action || !prompt) throw new Error(`unexpected page at the provider (${res.status}): ${html.slice(0, 300)}`)
    const form = new URLSearchParams(prompt === 'login' ? { prompt, login, password: 'any' } : { prompt })
    const posted = await fetch(new URL(action.replace(/&amp;/g, '&'), url), {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    })
    jar.take(posted)
    url = new URL(posted.headers.get('location')!, url).href
  }
  throw new Error('the provider did not send the browser back')
}

/** PKCE by hand, as a frontend using the API flow does. */
export async function pkcePair(): Promise<{ verifier: string; challenge: string }> {
  const verifier = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url')
  const challenge = Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))).toString('base64url')
  return { verifier, challenge }
}

/** The provider's authorization URL a frontend would build for the API flow. */
export function frontendAuthorizeUrl(p: RealProvider, o: { redirectUri: string; challenge: string; nonce?: string; state?: string }): string {
  const u = new URL(`${p.issuer}/auth`)
  u.search = new URLSearchParams({
    client_id: p.clientId,
    redirect_uri: o.redirectUri,
    response_type: 'code',
    scope: 'openid email',
    code_challenge: o.challenge,
    code_challenge_method: 'S256',
    state: o.state ?? 'frontend-state',
    ...(o.nonce && { nonce: o.nonce }),
  }).toString()
  return u.href
}

export type FakeMode = 'ok' | 'status-400' | 'status-500' | 'slow' | 'expired' | 'wrong-key' | 'wrong-aud' | 'tampered' | 'wrong-nonce'

export interface FakeProvider {
  issuer: string
  mode: FakeMode
  /** Every request the token endpoint received. */
  tokenRequests: URLSearchParams[]
  close(): void
}

/**
 * A minimal OpenID Connect provider: discovery, JWKS and a token endpoint that answers according to
 * `mode` (its authorization endpoint is never visited: tests call the callback/API with any code).
 */
export async function startFakeProvider(clientId: string): Promise<FakeProvider> {
  const good = await generateKeyPair('ES256', { extractable: true })
  const other = await generateKeyPair('ES256', { extractable: true })
  const jwk: JWK = { ...(await exportJWK(good.publicKey)), kid: 'good', alg: 'ES256', use: 'sig' }
  const state: FakeProvider = { issuer: '', mode: 'ok', tokenRequests: [], close: () => server.stop(true) }
  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    async fetch(req) {
      const url = new URL(req.url)
      const issuer = state.issuer
      if (url.pathname === '/.well-known/openid-configuration') {
        return Response.json({
          issuer,
          authorization_endpoint: `${issuer}/auth`,
          token_endpoint: `${issuer}/token`,
          jwks_uri: `${issuer}/jwks`,
          response_types_supported: ['code'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['ES256'],
          code_challenge_methods_supported: ['S256'],
        })
      }
      if (url.pathname === '/jwks') return Response.json({ keys: [jwk] })
      if (url.pathname !== '/token') return new Response('not found', { status: 404 })
      const form = new URLSearchParams(await req.text())
      state.tokenRequests.push(form)
      const mode = state.mode
      if (mode === 'status-400') return Response.json({ error: 'invalid_grant', error_description: 'code expired at the provider' }, { status: 400 })
      if (mode === 'status-500') return new Response('<h1>upstream exploded</h1>', { status: 500, headers: { 'content-type': 'text/html' } })
      if (mode === 'slow') await Bun.sleep(3000)
      const now = Math.floor(Date.now() / 1000)
      const nonce = mode === 'wrong-nonce' ? 'not-the-nonce' : undefined
      let idToken = await new SignJWT({ email: 'fake@example.com', email_verified: true, ...(nonce && { nonce }) })
        .setProtectedHeader({ alg: 'ES256', kid: 'good' })
        .setIssuer(issuer)
        .setSubject('fake-user')
        .setAudience(mode === 'wrong-aud' ? 'someone-else' : clientId)
        .setIssuedAt(mode === 'expired' ? now - 7200 : now)
        .setExpirationTime(mode === 'expired' ? now - 3600 : now + 300)
        .sign(mode === 'wrong-key' ? other.privateKey : good.privateKey)
      if (mode === 'tampered') {
        const [h, p, s] = idToken.split('.')
        const claims = JSON.parse(Buffer.from(p!, 'base64url').toString())
        claims.sub = 'someone-else'
        idToken = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`
      }
      return Response.json({ access_token: 'fake-access', token_type: 'Bearer', expires_in: 300, id_token: idToken })
    },
  })
  state.issuer = `http://127.0.0.1:${server.port}`
  return state
}
