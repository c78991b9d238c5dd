// Passkeys (WebAuthn, USE_PASSKEYS): registration for a signed-in user, sign-in with a discoverable
// credential, and the user's list. The ceremonies are @simplewebauthn/server's; this module keeps the
// challenges (single-use, expiring, bound to a user or a challenge_token) and the stored credentials.
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server'
import { LAST_WAY_TO_SIGN_IN, type SignInWays } from '../users/sign-in-ways.ts'
import { type UserRow, createUsersRepo } from '../users/users.repo.ts'
import { record } from '../audit/audit.ts'
import { type Database, isUniqueViolation } from '../db/engine.ts'
import { type Clock, isoTime } from '../lib/clock.ts'
import { randomToken, sha256 } from '../lib/crypto.ts'
import { FieldErrors, notFound } from '../lib/errors.ts'
import { createChallengesRepo } from './challenges.repo.ts'
import { type PasskeyRow, createPasskeysRepo } from './passkeys.repo.ts'
import type { RelyingParty } from './relying-party.ts'

/** API.md §8.3: challenges expire in 5 minutes. */
export const CHALLENGE_LIFETIME_MS = 5 * 60 * 1000

export const CHALLENGE_INVALID = 'The challenge is invalid, has expired or was already used; ask for new options.'
export const NOT_VERIFIED = 'The passkey could not be verified.'
export const ALREADY_REGISTERED = 'This passkey is already registered.'

// EdDSA, ES256, RS256: what platform authenticators and security keys offer.
const ALGORITHMS = [-8, -7, -257]

const refuse = (message: string) => FieldErrors.nonField(message)

/**
 * @simplewebauthn/server, loaded at the first ceremony: with the ASN.1 and X.509 libraries it brings, it
 * was a third of the code evaluated at every start (~15 ms), passkeys on or off. reflect-metadata first:
 * those libraries need its global, and loaded lazily they no longer get it in time from their own import.
 */
let library: Promise<typeof import('@simplewebauthn/server')> | null = null
const webauthn = () => (library ??= import('reflect-metadata').then(() => import('@simplewebauthn/server')))

const base64url = {
  fromBytes: (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url'),
  toBytes: (text: string) => new Uint8Array(Buffer.from(text, 'base64url')),
}

/** The user handle a credential carries: the user's id, so a discoverable login can be cross-checked. */
const userHandle = (userId: number) => new TextEncoder().encode(String(userId))

export function publicPasskey(p: Pick<PasskeyRow, 'id' | 'name' | 'created_at' | 'last_used_at'>) {
  return { id: p.id, name: p.name, created_at: isoTime(p.created_at), last_used_at: p.last_used_at === null ? null : isoTime(p.last_used_at) }
}

/** The challenge a response signed, read from its clientDataJSON (null when it is not readable). */
function signedChallenge(credential: { response?: { clientDataJSON?: unknown } }): string | null {
  try {
    const raw = credential.response?.clientDataJSON
    const challenge = typeof raw === 'string' ? (JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as { challenge?: unknown }).challenge : null
    return typeof challenge === 'string' ? challenge : null
  } catch {
    return null
  }
}

export function createPasskeys({ db, clock, signInWays }: { db: Database; clock: Clock; signInWays: SignInWays }) {
  const passkeys = createPasskeysRepo(db)
  const challenges = createChallengesRepo(db)
  const users = createUsersRepo(db)

  /** Takes (deletes) a challenge once; null when there is none, it expired, or it belongs to someone else. */
  async function takeChallenge(purpose: 'register' | 'login', key: string, userId: number | null) {
    const row = await challenges.take(purpose, sha256(key))
    if (!row || row.expires_at <= clock.now() || row.user_id !== userId) return null
    return row
  }

  return {
    /** Creation options for navigator.credentials.create(); the challenge is bound to `user`. */
    async registrationOptions(user: UserRow, rp: RelyingParty) {
      const existing = await passkeys.byUser(user.id)
      const options = await (await webauthn()).generateRegistrationOptions({
        rpName: rp.name,
        rpID: rp.id,
        userName: user.username,
        userID: userHandle(user.id),
        userDisplayName: user.username,
        attestationType: 'none',
        excludeCredentials: existing.map((p) => ({ id: p.credential_id, transports: JSON.parse(p.transports) })),
        authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' },
        supportedAlgorithmIDs: ALGORITHMS,
      })
      const now = clock.now()
      await challenges.add(
        { purpose: 'register', keyHash: sha256(options.challenge), userId: user.id, challenge: options.challenge, expiresAt: now + CHALLENGE_LIFETIME_MS },
        now,
      )
      return options
    },

    /** Verifies a registration response against the user's own unexpired challenge and stores the credential. */
    async register(user: UserRow, rp: RelyingParty, credential: RegistrationResponseJSON, name: string) {
      const signed = signedChallenge(credential)
      const challenge = signed === null ? null : await takeChallenge('register', signed, user.id)
      if (!challenge) throw refuse(CHALLENGE_INVALID)
      let info: Awaited<ReturnType<typeof import('@simplewebauthn/server').verifyRegistrationResponse>>['registrationInfo']
      try {
        const result = await (await webauthn()).verifyRegistrationResponse({
          response: credential,
          expectedChallenge: challenge.challenge,
          expectedOrigin: [...rp.origins],
          expectedRPID: rp.id,
          requireUserVerification: true,
          supportedAlgorithmIDs: ALGORITHMS,
        })
        info = result.verified ? result.registrationInfo : undefined
      } catch {
        info = undefined
      }
      if (!info) throw refuse(NOT_VERIFIED)
      const now = clock.now()
      try {
        const added = info
        const id = await db.transaction(async (tx) => {
          const newId = await tx.use(createPasskeysRepo).add({
            userId: user.id,
            credentialId: added.credential.id,
            publicKey: base64url.fromBytes(added.credential.publicKey),
            counter: added.credential.counter,
            transports: JSON.stringify(added.credential.transports ?? credential.response.transports ?? []),
            name: name || 'Passkey',
            now,
          })
          await record(tx, { event: 'passkey_added', at: now, userId: user.id, detail: { id: newId } })
          return newId
        })
        return publicPasskey({ id, name: name || 'Passkey', created_at: now, last_used_at: null })
      } catch (e) {
        if (isUniqueViolation(e, 'passkeys', 'credential_id')) throw refuse(ALREADY_REGISTERED)
        throw e
      }
    },

    /** Request options for a discoverable credential (no user named) and the single-use token that redeems them. */
    async loginOptions(rp: RelyingParty) {
      const options = await (await webauthn()).generateAuthenticationOptions({ rpID: rp.id, userVerification: 'required', allowCredentials: [] })
      const token = randomToken(32)
      const now = clock.now()
      await challenges.add(
        { purpose: 'login', keyHash: sha256(token), userId: null, challenge: options.challenge, expiresAt: now + CHALLENGE_LIFETIME_MS },
        now,
      )
      return { ...options, challenge_token: token }
    },

    /** The active user whose passkey signed the challenge behind `challengeToken`; anything else is refused. */
    async login(rp: RelyingParty, credential: AuthenticationResponseJSON, challengeToken: string): Promise<UserRow> {
      const challenge = await takeChallenge('login', challengeToken, null)
      if (!challenge) throw refuse(CHALLENGE_INVALID)
      const passkey = typeof credential.id === 'string' ? await passkeys.byCredentialId(credential.id) : null
      if (!passkey) throw refuse(NOT_VERIFIED)
      const handle = credential.response?.userHandle
      if (handle && handle !== base64url.fromBytes(userHandle(passkey.user_id))) throw refuse(NOT_VERIFIED)
      let newCounter: number
      try {
        const result = await (await webauthn()).verifyAuthenticationResponse({
          response: credential,
          expectedChallenge: challenge.challenge,
          expectedOrigin: [...rp.origins],
          expectedRPID: rp.id,
          credential: {
            id: passkey.credential_id,
            publicKey: base64url.toBytes(passkey.public_key),
            counter: passkey.counter,
            transports: JSON.parse(passkey.transports),
          },
          requireUserVerification: true,
        })
        if (!result.verified) throw refuse(NOT_VERIFIED)
        newCounter = result.authenticationInfo.newCounter
      } catch {
        // Includes a counter that went backwards (a cloned authenticator): the library refuses it.
        throw refuse(NOT_VERIFIED)
      }
      // A login racing this one with the same counter moved it first: refused like a regression.
      if (!(await passkeys.used(passkey.id, newCounter, clock.now()))) throw refuse(NOT_VERIFIED)
      const user = await users.byId(passkey.user_id)
      if (!user || user.is_active !== 1) throw refuse(NOT_VERIFIED)
      return user
    },

    list: async (userId: number) => (await passkeys.byUser(userId)).map(publicPasskey),

    /** Renames one of the user's passkeys; another user's or an unknown id is 404. */
    async rename(userId: number, id: number, name: string) {
      if (!(await passkeys.rename(id, userId, name))) throw notFound()
      const row = (await passkeys.byUser(userId)).find((p) => p.id === id)
      if (!row) throw notFound()
      return publicPasskey(row)
    },

    /** Deletes one of the user's passkeys (passkeyRemoved); another user's or an unknown id is 404. */
    /** Deletes a passkey, unless it is the user's last way to sign in (API.md §8.2). */
    async remove(userId: number, id: number): Promise<void> {
      await db.transaction(async (tx) => {
        if (!(await tx.use(createPasskeysRepo).remove(id, userId))) throw notFound()
        const user = await tx.use(createUsersRepo).byId(userId)
        if (user && (await signInWays(tx, user)) === 0) throw FieldErrors.nonField(LAST_WAY_TO_SIGN_IN) // rolls the delete back
        await record(tx, { event: 'passkey_removed', at: clock.now(), userId, detail: { id } })
      })
    },

    /** For the "last way to sign in" rule (API.md §8.2): whether the user can still sign in with a passkey. */
    count: (userId: number) => passkeys.countByUser(userId),
  }
}

export type Passkeys = ReturnType<typeof createPasskeys>
