// The MFA method registry: what each method does to be set up, to send a code and to check one. The
// login flow and the management routes only talk to this interface, so a new method (passkeys) is one
// more entry here, nothing else.
import { mfaCodeMail } from '../../views/email/mfa-code.tsx'
import type { UserRow } from '../users/users.repo.ts'
import type { Config } from '../config/settings.ts'
import type { Db } from '../db/engine.ts'
import { safeEqual } from '../lib/crypto.ts'
import { createOutboxRepo } from '../mail/outbox.repo.ts'
import { sixDigits } from './codes.ts'
import type { MfaKeys } from './keys.ts'
import { type MethodRow, createMethodsRepo } from './methods.repo.ts'
import { newTotpSecret, qrSvg, totpStep, totpUri } from './totp.ts'

/** A code that checked out; `use` spends it inside the caller's transaction (false: spent already, a replay). */
export interface Accepted {
  use(tx: Db): Promise<boolean>
}

export interface MfaMethod {
  readonly name: string
  /** Right after the method's row is created (in that transaction): store what it needs, answer its `setup_data`. */
  setup(tx: Db, user: UserRow, method: MethodRow, now: number): Promise<Record<string, string>>
  /** Sends a code if the method has one to send (inside the caller's transaction); true when mail was queued. */
  dispatch(tx: Db, user: UserRow, method: MethodRow, now: number): Promise<boolean>
  /** Checks a code of the method itself (backup codes are checked by the caller). */
  check(user: UserRow, method: MethodRow, code: string, now: number): Accepted | null
}

export type MethodConfig = Pick<
  Config,
  'mfaTotpDefaultInterval' | 'mfaTotpDefaultValidWindow' | 'mfaEmailCodeLifetime' | 'mfaApplicationName' | 'siteName'
>

/** What the sealed TOTP secret is bound to: its user and method. */
export const secretContext = (m: Pick<MethodRow, 'user_id' | 'name'>) => `totp-secret/${m.user_id}/${m.name}`
const emailCodeContext = (m: MethodRow) => `email-code/${m.id}`

function appMethod(config: MethodConfig, keys: MfaKeys): MfaMethod {
  const params = { period: config.mfaTotpDefaultInterval, window: config.mfaTotpDefaultValidWindow }
  return {
    name: 'app',
    async setup(tx, user, method) {
      const secret = newTotpSecret()
      await createMethodsRepo(tx).setSecret(method.id, keys.seal(secret, secretContext(method)))
      const qrLink = totpUri(secret, { issuer: config.mfaApplicationName ?? config.siteName, account: user.username, period: params.period })
      return { qr_link: qrLink, qr_svg: qrSvg(qrLink) }
    },
    dispatch: async () => false,
    check(_user, method, code, now) {
      const secret = keys.open(method.secret, secretContext(method))
      if (secret === null) return null
      const step = totpStep(secret, code, now, params)
      if (step === null) return null
      return { use: (tx) => createMethodsRepo(tx).useStep(method.id, step) }
    },
  }
}

function emailMethod(config: MethodConfig, keys: MfaKeys): MfaMethod {
  return {
    name: 'email',
    async setup(tx, user, method, now) {
      await this.dispatch(tx, user, method, now)
      return { detail: 'Email message with MFA code has been sent.' }
    },
    async dispatch(tx, user, method, now) {
      const code = sixDigits()
      // Valid for its lifetime from now, whatever the clock's position in a TOTP window (DRF Auth Kit's could expire at once).
      await createMethodsRepo(tx).setCode(method.id, keys.digest(code, emailCodeContext(method)), now + config.mfaEmailCodeLifetime * 1000)
      const mail = mfaCodeMail({ siteName: config.siteName, code, expiresInSeconds: config.mfaEmailCodeLifetime })
      await createOutboxRepo(tx).add({ to: user.email, ...mail, kind: 'mfa_code' }, now)
      return true
    },
    check(_user, method, code, now) {
      const typed = code.replace(/\s/g, '')
      if (method.code_hash === null || method.code_expires_at === null || method.code_expires_at <= now) return null
      const digest = keys.digest(typed, emailCodeContext(method))
      if (!safeEqual(digest, method.code_hash)) return null
      return { use: (tx) => createMethodsRepo(tx).useCode(method.id, digest, now) }
    },
  }
}

/** The registered methods, in the order GET mfa/ lists them. */
export function methodRegistry(config: MethodConfig, keys: MfaKeys): ReadonlyMap<string, MfaMethod> {
  const methods = [appMethod(config, keys), emailMethod(config, keys)]
  return new Map(methods.map((m) => [m.name, m]))
}
