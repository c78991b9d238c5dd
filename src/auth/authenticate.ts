// Turns a presented credential (access JWT or token-mode key) into the user and live session behind it.
// Per request: one signature check (cached key) and one indexed lookup; nothing about revocation is cached.
import type { UserRow } from '../users/users.repo.ts'
import type { Db } from '../db/engine.ts'
import type { Clock } from '../lib/clock.ts'
import { sha256 } from '../lib/crypto.ts'
import { tokenNotValid, verifiedOr401 } from './errors.ts'
import type { Jwt } from './jwt.ts'
import { createSessionsRepo, type LiveSession } from './sessions.repo.ts'

export type AuthVia = 'header' | 'cookie'

export interface Credential {
  readonly token: string
  readonly via: AuthVia
}

export interface Authenticated {
  readonly user: UserRow
  readonly session: { readonly id: string }
}

/** last_used_at is written at most this often per session: a read-mostly hot path, still useful to humans. */
const TOUCH_EVERY_MS = 60_000

export function createAuthenticator(deps: { db: Db; clock: Clock; jwt: Jwt; authType: 'jwt' | 'token' }) {
  const { clock, jwt, authType } = deps
  const sessions = createSessionsRepo(deps.db)

  const accept = (live: LiveSession | null, now: number): Authenticated => {
    if (!live) throw tokenNotValid(authType === 'token' ? 'Invalid token.' : undefined)
    if (now - live.session.last_used_at > TOUCH_EVERY_MS) void sessions.touch(live.session.id, now)
    return { user: live.user, session: { id: live.session.id } }
  }

  return {
    /** Throws 401 token_not_valid unless the credential is valid and its session and user are live. */
    async authenticate(credential: Credential): Promise<Authenticated> {
      if (authType === 'token') {
        // Opaque keys are looked up by their SHA-256: the database never holds a usable key.
        const now = clock.now()
        return accept(await sessions.liveByKeyHash(sha256(credential.token), now), now)
      }
      const claims = await verifiedOr401(jwt.verify(credential.token, 'access'), { withReason: false })
      const now = clock.now()
      return accept(await sessions.liveFor(claims.sid, claims.sub, now), now)
    },
  }
}

export type Authenticator = ReturnType<typeof createAuthenticator>
