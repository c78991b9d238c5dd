// token/verify: is this token (access or refresh) valid, unexpired and of a live session? No side effects.
import * as jose from 'jose'
import type { Db } from '../db/engine.ts'
import type { Clock } from '../lib/clock.ts'
import { tokenNotValid } from './errors.ts'
import { type Jwt, TokenRejected, type TokenType } from './jwt.ts'
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
      let claims
      try {
        claims = await jwt.verify(token, type)
      } catch (e) {
        if (e instanceof TokenRejected) throw tokenNotValid(e.message)
        throw e
      }
      const live =
        type === 'refresh'
          ? await refresher.isCurrent(claims)
          : String((await sessions.liveById(claims.sid, clock.now()))?.user.id) === claims.sub
      if (!live) throw tokenNotValid('Token is invalid')
    },
  }
}
