// Social login's account rules: who a provider account signs in as, connecting and removing provider
// accounts, and the browser flow's single-use state. No HTTP here; src/social/routes.ts adapts it.
import { USERNAME_MAX } from '../accounts/identity-rules.ts'
import { unusablePasswordHash } from '../users/passwords.ts'
import { LAST_WAY_TO_SIGN_IN, type SignInWays } from '../users/sign-in-ways.ts'
import { type UserRow, createUsersRepo } from '../users/users.repo.ts'
import { record } from '../audit/audit.ts'
import { EMAIL_NOT_VERIFIED, INVALID_CREDENTIALS } from '../auth/credentials.ts'
import type { ServerConfig } from '../config/data-dir.ts'
import type { ProviderSpec } from '../config/social-providers.ts'
import { isOidc } from '../config/social-providers.ts'
import { type Database, isUniqueViolation } from '../db/engine.ts'
import type { Clock } from '../lib/clock.ts'
import { randomToken, safeEqual, sha256 } from '../lib/crypto.ts'
import { FieldErrors, notFound } from '../lib/errors.ts'
import { type ExchangeInput, type Profile, ProviderError, type ProviderClient, createProviderClient } from './client.ts'
import { type SocialAccountRow, createSocialRepo } from './social.repo.ts'

export const EXCHANGE_FAILED = 'Failed to exchange code for access token'
export const FLOW_FAILED = 'Failed to complete OAuth flow'
export const EMAIL_REGISTERED = 'User is already registered with this e-mail address.'
export const CONNECTED_ELSEWHERE = 'This social account is already connected to another user.'

/** How long a browser flow may take between authorize/ and callback/. */
export const STATE_LIFETIME_MS = 10 * 60 * 1000

export interface SocialDeps {
  readonly config: ServerConfig
  readonly db: Database
  readonly clock: Clock
  /** How long a provider may take to answer (token, userinfo, JWKS, discovery). */
  readonly providerTimeoutSeconds?: number
  readonly signInWays: SignInWays
}

/** A browser flow's return: who signed in (or was connected) and where to send the browser. */
export type FlowResult = { kind: 'login'; user: UserRow; next: string } | { kind: 'connect'; userId: number; next: string }

/** A unique, valid username from the address's local part: `jane.doe`, then `jane.doe2`, `jane.doe3`, ... */
async function freeUsername(users: ReturnType<typeof createUsersRepo>, email: string): Promise<string> {
  const base = (email.split('@')[0] ?? '').replace(/[^A-Za-z0-9_.+-]/g, '').slice(0, USERNAME_MAX - 8) || 'user'
  if (!(await users.byUsername(base))) return base
  for (let n = 2; n < 100; n++) if (!(await users.byUsername(`${base}${n}`))) return `${base}${n}`
  return `${base}${randomToken(4).replace(/[^A-Za-z0-9]/g, '')}`
}

export function createSocial(deps: SocialDeps) {
  const { config, db, clock, signInWays } = deps
  const users = createUsersRepo(db)
  const social = createSocialRepo(db)
  const clients = new Map<string, ProviderClient>(
    config.socialProviders.map((p) => [p.slug, createProviderClient(p, { timeoutSeconds: deps.providerTimeoutSeconds ?? 10 })]),
  )

  const client = (slug: string) => {
    const c = clients.get(slug)
    if (!c) throw notFound()
    return c
  }

  /** The profile behind a code, or the contract's 400 (with the provider's words only if SOCIAL_HIDE_AUTH_ERROR_DETAILS is off). */
  async function profileFor(slug: string, input: ExchangeInput): Promise<Profile> {
    try {
      return await client(slug).exchange(input)
    } catch (e) {
      if (!(e instanceof ProviderError)) throw e
      const message = e.step === 'exchange' ? EXCHANGE_FAILED : FLOW_FAILED
      throw FieldErrors.nonField(config.socialHideAuthErrorDetails ? message : `${message}: ${e.reason}`)
    }
  }

  /** The user a provider account signs in as: its linked user, an existing user by verified e-mail (if allowed), or a new one. */
  async function userFor(provider: string, profile: Profile): Promise<UserRow> {
    const now = clock.now()
    const linked = await social.account(provider, profile.uid)
    let user: UserRow | null
    if (linked) {
      user = await users.byId(linked.user_id)
      await social.touch(linked.id, now)
    } else {
      if (!profile.email) throw FieldErrors.nonField(FLOW_FAILED)
      const existing = await users.byEmail(profile.email)
      if (existing) {
        // An unverified provider address proves nothing about who owns the account (DRF Auth Kit issue #47).
        if (!(profile.emailVerified && config.socialLoginAutoConnectByEmail)) throw FieldErrors.nonField(EMAIL_REGISTERED)
        await connectTo(existing.id, provider, profile)
        user = existing
      } else {
        user = await createUser(provider, profile, profile.email)
      }
    }
    if (!user || user.is_active !== 1) throw FieldErrors.nonField(INVALID_CREDENTIALS)
    if (config.accountEmailVerification === 'mandatory' && user.email_verified !== 1) throw FieldErrors.nonField(EMAIL_NOT_VERIFIED)
    await users.touchLastLogin(user.id, now)
    return user
  }

  async function createUser(provider: string, profile: Profile, email: string): Promise<UserRow> {
    const username = await freeUsername(users, email)
    const id = await createUserAndLink(provider, profile, email, username).catch(async (e) => {
      // The same provider account signing in twice at once: the other request created the user.
      const linked = await social.account(provider, profile.uid)
      if (linked) return linked.user_id
      if (isUniqueViolation(e, 'users', 'email')) throw FieldErrors.nonField(EMAIL_REGISTERED)
      throw e
    })
    return (await users.byId(id))!
  }

  function createUserAndLink(provider: string, profile: Profile, email: string, username: string): Promise<number> {
    return db.transaction(async (tx) => {
      const now = clock.now()
      const userId = await tx.use(createUsersRepo).insert({
        username,
        email,
        passwordHash: unusablePasswordHash(),
        emailVerified: profile.emailVerified,
        now,
      })
      await tx.use(createSocialRepo).link({ userId, provider, uid: profile.uid, email, now })
      await record(tx, { event: 'social_connected', at: now, userId, detail: { provider, new_user: true } })
      return userId
    })
  }

  /** Links the provider account to `userId`; one provider account belongs to one user. */
  async function connectTo(userId: number, provider: string, profile: Profile): Promise<void> {
    const linked = await social.account(provider, profile.uid)
    if (linked) {
      if (linked.user_id !== userId) throw FieldErrors.nonField(CONNECTED_ELSEWHERE)
      return
    }
    try {
      const now = clock.now()
      await db.transaction(async (tx) => {
        await tx.use(createSocialRepo).link({ userId, provider, uid: profile.uid, email: profile.email, now })
        await record(tx, { event: 'social_connected', at: now, userId, detail: { provider } })
      })
    } catch (e) {
      // Another request linked it meanwhile: the UNIQUE (provider, uid) index decides who has it.
      const now = await social.account(provider, profile.uid)
      if (!now) throw e
      if (now.user_id !== userId) throw FieldErrors.nonField(CONNECTED_ELSEWHERE)
      return
    }
  }

  return {
    providers: (): readonly ProviderSpec[] => config.socialProviders,
    has: (slug: string) => clients.has(slug),

    /** POST social/{slug}/: the user the code signs in as. */
    async login(slug: string, input: ExchangeInput): Promise<UserRow> {
      const profile = await profileFor(slug, input)
      return userFor(slug, profile)
    },

    /** POST social/{slug}/connect/: links the provider account behind the code to `user`. */
    async connect(slug: string, user: UserRow, input: ExchangeInput): Promise<void> {
      const profile = await profileFor(slug, input)
      await connectTo(user.id, slug, profile)
    },

    accounts: (userId: number): Promise<SocialAccountRow[]> => Promise.resolve(social.accountsOf(userId)),

    /** DELETE social/accounts/{id}/: unknown or another user's -> 404; the last way to sign in -> 400. */
    async remove(user: UserRow, id: number): Promise<void> {
      const removed = await db.transaction(async (tx) => {
        const mine = (await tx.use(createSocialRepo).accountsOf(user.id)).find((a) => a.id === id)
        if (!mine) throw notFound()
        if ((await signInWays(tx, user)) <= 1) throw FieldErrors.nonField(LAST_WAY_TO_SIGN_IN)
        await tx.use(createSocialRepo).remove(id, user.id)
        await record(tx, { event: 'social_disconnected', at: clock.now(), userId: user.id, detail: { provider: mine.provider } })
        return mine
      })
    },

    /** GET social/{slug}/authorize/: a new single-use flow; returns the provider URL and the state for the cookie. */
    async start(slug: string, p: { redirectUri: string; next: string; userId: number | null }): Promise<{ url: URL; state: string }> {
      const c = client(slug)
      const state = randomToken(32)
      const codeVerifier = randomToken(48)
      const nonce = isOidc(c.spec) ? randomToken(24) : null
      let url: URL
      try {
        url = await c.authorizationUrl({ redirectUri: p.redirectUri, state, codeVerifier, nonce })
      } catch {
        throw FieldErrors.nonField(FLOW_FAILED) // the provider's discovery document could not be read
      }
      const now = clock.now()
      await social.purgeStates(now)
      await social.addState({
        state_hash: sha256(state),
        provider: slug,
        code_verifier: codeVerifier,
        nonce,
        next_url: p.next,
        user_id: p.userId,
        created_at: now,
        expires_at: now + STATE_LIFETIME_MS,
      })
      return { url, state }
    },

    /**
     * GET social/{slug}/callback/: the state must be the one in this browser's cookie and unused (it is
     * used up here, whatever follows); then the code is exchanged with its PKCE verifier and nonce.
     */
    async finish(
      slug: string,
      p: { state: string | undefined; cookieState: string | undefined; code: string | undefined; iss?: string; error?: string; redirectUri: string },
    ): Promise<FlowResult> {
      client(slug)
      if (!p.state || !p.cookieState || !safeEqual(p.state, p.cookieState)) throw FieldErrors.nonField(FLOW_FAILED)
      const flow = await social.takeState(sha256(p.state), clock.now())
      if (!flow || flow.provider !== slug) throw FieldErrors.nonField(FLOW_FAILED)
      if (p.error || !p.code) throw FieldErrors.nonField(config.socialHideAuthErrorDetails || !p.error ? FLOW_FAILED : `${FLOW_FAILED}: ${p.error}`)
      const input: ExchangeInput = { code: p.code, redirectUri: p.redirectUri, codeVerifier: flow.code_verifier, nonce: flow.nonce ?? undefined, iss: p.iss }
      const profile = await profileFor(slug, input)
      if (flow.user_id !== null) {
        await connectTo(flow.user_id, slug, profile)
        return { kind: 'connect', userId: flow.user_id, next: flow.next_url }
      }
      return { kind: 'login', user: await userFor(slug, profile), next: flow.next_url }
    },
  }
}

export type Social = ReturnType<typeof createSocial>
