// token/verify: is this token (access or refresh) valid, unexpired and of a live session? No side effects.
import * as jose from 'jose'
import type { Db } from '../db/engine.ts'
import type { Clock } from '../lib/clock.ts'
import { tokenNotValid, verifiedOr401 } from './errors.ts'
import type { Jwt, TokenType } from './jwt.ts'
import type { Refresher } from './refresh.ts'
import { createSessionsRepo } from './sessions.repo.ts'

export function createTokenVerifier(deps: { db: Db; clock: Clock; jwt: Jwt; refresher: Refresher }) {
  const { clock, jwt, refresher } = deps
  const sessions = createSessionsRepo(deps.db)

  // The header only picks which rules to apply; jwt.verify then enforces that type's typ and claims.
  const typeOf = (token: string): TokenType => {
    try {
      return jose.decodeProtectedHeader(token).typ === 'refresh+jwt' ? 'refresh' : 'access'
    } catch {
      return 'access'
    }
  }

  return {
    /** Resolves when valid; throws 401 token_not_valid "Token is invalid" | "Token is expired". */
    async verify(token: string): Promise<void> {
      const type = typeOf(token)
      const claims = await verifiedOr401(jwt.verify(token, type), { withReason: true })
      const live = type === 'refresh' ? await refresher.isCurrent(claims) : (await sessions.liveFor(claims.sid, claims.sub, clock.now())) !== null
      if (!live) throw tokenNotValid('Token is invalid')
    },
  }
}
