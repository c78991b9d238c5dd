// The MFA service: a user's methods (create, confirm, deactivate, primary, send, delete, backup codes)
// and the second login step (challenge, verify, change method, resend). Framework-free; the routes in
// ./routes.ts translate. Every code is spent inside the transaction that acts on it, so a code, a backup
// code or an ephemeral token works once even when two requests race.
import { type UserRow, createUsersRepo } from '../users/users.repo.ts'
import { record } from '../audit/audit.ts'
import type { SecondFactorStep } from '../auth/services.ts'
import type { ServerConfig } from '../config/data-dir.ts'
import { type Database, type Db, isUniqueViolation } from '../db/engine.ts'
import type { Clock } from '../lib/clock.ts'
import { randomToken, safeEqual, sha256 } from '../lib/crypto.ts'
import { FieldErrors } from '../lib/errors.ts'
import { notifyOutbox } from '../mail/notify.ts'
import { backupCodes, normalizeBackupCode } from './codes.ts'
import { createMfaKeys } from './keys.ts'
import { createLoginTokensRepo } from './login-tokens.repo.ts'
import { MFA_MESSAGES as M } from './messages.ts'
import { type Accepted, type MfaMethod, methodRegistry } from './methods.ts'
import { type MethodRow, createMethodsRepo } from './methods.repo.ts'

export interface MfaDeps {
  readonly config: ServerConfig
  readonly db: Database
  readonly clock: Clock
}

/** The first step's answer for a user with a primary active method. */
export type MfaChallenge = SecondFactorStep

export interface MethodStatus {
  readonly name: string
  readonly is_primary: boolean
  readonly is_active: boolean
  readonly is_setup: boolean
  readonly backup_codes_remaining: number
}

const fail = (message: string) => FieldErrors.nonField(message)
const backupContext = (m: MethodRow) => `backup-code/${m.id}`

/** Thrown inside a transaction to roll it back when a code turns out to be spent already. */
class Spent extends Error {}

const SWEEP_EVERY_MS = 60_000

export function createMfa(deps: MfaDeps) {
  const { config, db, clock } = deps
  const keys = createMfaKeys(config.secretKey)
  const registry = methodRegistry(config, keys)
  const methods = createMethodsRepo(db)
  const tokens = createLoginTokensRepo(db)
  const users = createUsersRepo(db)
  const maxAttempts = config.mfaMaxAttempts
  let nextSweep = 0

  const handler = (name: string): MfaMethod => {
    const h = registry.get(name)
    if (!h) throw fail(M.methodDoesNotExist) // a row of a method no longer registered
    return h
  }

  /** A code of the method itself, or (with `backup`) one of its backup codes; null when neither. */
  async function accept(user: UserRow, method: MethodRow, code: string, now: number, backup: boolean): Promise<Accepted | null> {
    const own = registry.get(method.name)?.check(user, method, code, now)
    if (own) return own
    if (!backup) return null
    const typed = normalizeBackupCode(code)
    if (typed.length !== config.backupCodeLength) return null
    const digest = keys.digest(typed, backupContext(method))
    // Every stored digest is compared (no early exit), each in constant time.
    let hit: number | null = null
    for (const row of await methods.backupHashes(method.id)) if (safeEqual(row.code_hash, digest)) hit = row.id
    if (hit === null) return null
    const id = hit
    return {
      async use(tx) {
        const used = await createMethodsRepo(tx).useBackup(id)
        return used
      },
    }
  }

  /** Runs `work` after spending `accepted` in one transaction; false (and nothing changed) when it was spent already. */
  async function spend<T>(accepted: Accepted | null, work: (tx: Db) => Promise<T>): Promise<{ ok: true; value: T } | { ok: false }> {
    try {
      const value = await db.transaction(async (tx) => {
        if (accepted && !(await accepted.use(tx))) throw new Spent()
        return work(tx)
      })
      return { ok: true, value }
    } catch (e) {
      if (e instanceof Spent) return { ok: false }
      throw e
    }
  }

  /**
   * The write of login/verify/, one group-committed transaction: takes an attempt of the token (none left,
   * or used by a parallel request: 'gone'); with an accepted code, spends the code and the token ('ok'), a
   * code spent already (a replay) counting as a wrong one; a token out of attempts is deleted.
   */
  const settle = db.groupCommit(async (tx: Db, tokenId: number, accepted: Accepted | null, now: number, userId: number, name: string) => {
    const t = tx.use(createLoginTokensRepo)
    const attempts = await t.attempt(tokenId, now, maxAttempts)
    if (attempts === null) return 'gone' as const
    if (accepted && (await accepted.use(tx))) {
      await t.remove(tokenId)
      return 'ok' as const
    }
    if (attempts >= maxAttempts) await t.remove(tokenId)
    await record(tx, { event: 'mfa_failed', at: now, userId, detail: { method: name } })
    return 'wrong' as const
  })

  /** A new ephemeral token for `method`; `attempts` carries over the wrong codes of the token it replaces. */
  async function issueToken(tx: Db, userId: number, methodId: number, attempts: number, now: number): Promise<string> {
    const token = randomToken(32)
    await createLoginTokensRepo(tx).add({
      hash: sha256(token),
      userId,
      methodId,
      attempts,
      now,
      expiresAt: now + config.mfaEphemeralTokenExpiry * 1000,
    })
    return token
  }

  /** The user's other active method becomes primary (the oldest), or none: MFA is off for them. */
  async function promoteAnother(tx: Db, userId: number, removedId: number): Promise<void> {
    const r = createMethodsRepo(tx)
    const next = (await r.byUser(userId)).find((m) => m.is_active === 1 && m.id !== removedId)
    if (next) await r.setPrimary(userId, next.id)
  }

  async function activeMethod(userId: number, name: string): Promise<MethodRow> {
    const method = await methods.byName(userId, name)
    if (!method || method.is_active !== 1) throw fail(M.methodDoesNotExist)
    return method
  }

  /** The live token row and its user and method, or the contract's errors. */
  async function liveToken(token: string, now: number) {
    const row = await tokens.live(sha256(token), now, maxAttempts)
    if (!row) throw fail(M.invalidToken)
    return row
  }

  async function tokenUser(userId: number): Promise<UserRow> {
    const user = await users.byId(userId)
    if (!user || user.is_active !== 1) throw fail(M.invalidToken)
    return user
  }

  async function tokenMethod(methodId: number): Promise<MethodRow> {
    const method = await methods.byId(methodId)
    if (!method || method.is_active !== 1) throw fail(M.methodDoesNotExist)
    return method
  }

  return {
    /** The registered method names, in listing order (request validation uses them). */
    names: [...registry.keys()] as readonly string[],

    // ---- the second login step ----

    /**
     * For a user whose credentials were just proven: the MFA first step when they have a primary active
     * method (its code is sent now if it has one to send), else null (sign them in).
     */
    async challenge(user: UserRow): Promise<MfaChallenge | null> {
      const method = await methods.primary(user.id)
      if (!method) return null
      const now = clock.now()
      if (now >= nextSweep) {
        nextSweep = now + SWEEP_EVERY_MS
        await tokens.sweep(now, maxAttempts)
      }
      const h = registry.get(method.name)
      let mailed = false
      const token = await db.transaction(async (tx) => {
        const t = await issueToken(tx, user.id, method.id, 0, now)
        if (h) mailed = await h.dispatch(tx, user, method, now)
        return t
      })
      if (mailed) notifyOutbox(db)
      return { ephemeral_token: token, method: method.name, mfa_enabled: true }
    },

    /** login/verify/: the user the token and code prove, with the token and the code spent; else the contract's errors. */
    async verify(token: string, code: string): Promise<UserRow> {
      const now = clock.now()
      const row = await liveToken(token, now)
      const user = await tokenUser(row.user_id)
      const method = await tokenMethod(row.method_id)
      const accepted = await accept(user, method, code, now, true)
      const outcome = await settle(row.id, accepted, now, user.id, method.name)
      if (outcome === 'gone') throw fail(M.invalidToken)
      if (outcome === 'ok') {
        return user
      }
      throw fail(M.invalidCode)
    },

    /** login/change-method/: a token for another active method of the same user (the old one retired); no code is sent. */
    async changeMethod(token: string, newMethod: string): Promise<{ ephemeral_token: string; new_method: string }> {
      const now = clock.now()
      const row = await liveToken(token, now)
      await tokenUser(row.user_id)
      const current = await methods.byId(row.method_id)
      if (current?.name === newMethod) throw fail(M.selectNewMethod)
      const target = await activeMethod(row.user_id, newMethod)
      const fresh = await db.transaction(async (tx) => {
        if (!(await createLoginTokensRepo(tx).remove(row.id))) return null
        return issueToken(tx, row.user_id, target.id, row.attempts, now)
      })
      if (fresh === null) throw fail(M.invalidToken)
      return { ephemeral_token: fresh, new_method: newMethod }
    },

    /** login/resend/: sends the method's code again (if it has one) with a new token; the old one is retired. */
    async resend(token: string): Promise<{ ephemeral_token: string }> {
      const now = clock.now()
      const row = await liveToken(token, now)
      const user = await tokenUser(row.user_id)
      const method = await tokenMethod(row.method_id)
      const h = handler(method.name)
      let mailed = false
      const fresh = await db.transaction(async (tx) => {
        if (!(await createLoginTokensRepo(tx).remove(row.id))) return null
        const t = await issueToken(tx, user.id, method.id, row.attempts, now)
        mailed = await h.dispatch(tx, user, method, now)
        return t
      })
      if (fresh === null) throw fail(M.invalidToken)
      if (mailed) notifyOutbox(db)
      return { ephemeral_token: fresh }
    },

    // ---- managing one's methods ----

    /** GET mfa/: every registered method, set up or not, with the backup codes left. */
    async list(user: UserRow): Promise<MethodStatus[]> {
      const rows = await methods.byUser(user.id)
      const counts = await methods.backupCounts(user.id)
      return [...registry.keys()].map((name) => {
        const row = rows.find((r) => r.name === name)
        return {
          name,
          is_primary: row?.is_primary === 1,
          is_active: row?.is_active === 1,
          is_setup: row !== undefined,
          backup_codes_remaining: row ? (counts.get(row.id) ?? 0) : 0,
        }
      })
    },

    /** POST mfa/: an inactive method with its backup codes (shown this once) and its setup data. */
    async create(user: UserRow, name: string): Promise<{ method: string; backup_codes: string[]; setup_data: Record<string, string> }> {
      const h = handler(name)
      const exists = () => FieldErrors.of('method', M.alreadyExists)
      if (await methods.byName(user.id, name)) throw exists()
      const now = clock.now()
      const codes = backupCodes(config.numOfBackupCodes, config.backupCodeLength)
      let setupData: Record<string, string> = {}
      try {
        await db.transaction(async (tx) => {
          const r = createMethodsRepo(tx)
          const row = (await r.byId(await r.add(user.id, name, now)))!
          setupData = await h.setup(tx, user, row, now)
          await r.replaceBackups(row.id, codes.map((c) => keys.digest(c, backupContext(row))))
        })
      } catch (e) {
        if (isUniqueViolation(e, 'mfa_methods', 'name') || isUniqueViolation(e, 'mfa_methods', 'user_id, name')) throw exists()
        throw e
      }
      notifyOutbox(db)
      return { method: name, backup_codes: codes, setup_data: setupData }
    },

    /** mfa/confirm/: activates an inactive method with a code of it; it becomes primary if the user has none. */
    async confirm(user: UserRow, name: string, code: string): Promise<void> {
      const method = await methods.byName(user.id, name)
      if (!method || method.is_active === 1) throw fail(M.methodDoesNotExist)
      const accepted = await accept(user, method, code, clock.now(), false)
      if (!accepted) throw fail(M.invalidOtp)
      let primary = false
      const now = clock.now()
      const done = await spend(accepted, async (tx) => {
        const r = createMethodsRepo(tx)
        if (!(await r.activate(method.id))) throw new Spent()
        if (!(await r.primary(user.id))) primary = await r.setPrimary(user.id, method.id)
        await record(tx, { event: 'mfa_enabled', at: now, userId: user.id, detail: { method: name } })
      })
      if (!done.ok) throw fail(M.invalidOtp)
    },

    /** mfa/deactivate/: with a code of the method; if it was primary, another active method takes over (or MFA is off). */
    async deactivate(user: UserRow, name: string, code: string): Promise<void> {
      const method = await activeMethod(user.id, name)
      const accepted = await accept(user, method, code, clock.now(), false)
      if (!accepted) throw fail(M.invalidOtp)
      const done = await spend(accepted, async (tx) => {
        if (!(await createMethodsRepo(tx).deactivate(method.id))) throw new Spent()
        if (method.is_primary === 1) await promoteAnother(tx, user.id, method.id)
        await record(tx, { event: 'mfa_disabled', at: clock.now(), userId: user.id, detail: { method: name, how: 'deactivated' } })
      })
      if (!done.ok) throw fail(M.invalidOtp)
    },

    /** mfa/primary/: makes an active method primary (with MFA_UPDATE_PRIMARY_METHOD_REQUIRED_PRIMARY_CODE, proven by the current primary). */
    async setPrimary(user: UserRow, name: string, primaryCode: string | undefined): Promise<void> {
      const target = await activeMethod(user.id, name)
      const current = await methods.primary(user.id)
      if (!current) throw fail(M.methodDoesNotExist)
      let accepted: Accepted | null = null
      if (config.mfaUpdatePrimaryMethodRequiredPrimaryCode) {
        if (primaryCode === undefined) throw FieldErrors.of('primary_code', 'This field is required.')
        accepted = await accept(user, current, primaryCode, clock.now(), true)
        if (!accepted) throw fail(M.invalidPrimaryCode)
      }
      const done = await spend(accepted, async (tx) => {
        if (!(await createMethodsRepo(tx).setPrimary(user.id, target.id))) throw new Spent()
      })
      if (!done.ok) throw fail(accepted ? M.invalidPrimaryCode : M.methodDoesNotExist)
    },

    /** mfa/send/: sends the method's code (active or not; the app method has none to send). */
    async send(user: UserRow, name: string): Promise<void> {
      const method = await methods.byName(user.id, name)
      if (!method) throw fail(M.methodDoesNotExist)
      const h = handler(name)
      const now = clock.now()
      const mailed = await db.transaction((tx) => h.dispatch(tx, user, method, now))
      if (mailed) notifyOutbox(db)
    },

    /** mfa/delete/: removes a method and its backup codes; if it was primary, another active method takes over (or MFA is off). */
    async remove(user: UserRow, name: string, code: string | undefined): Promise<void> {
      const method = await methods.byName(user.id, name)
      if (!method) throw fail(M.deleteUnknown)
      const active = method.is_active === 1
      if (active && config.mfaPreventDeleteActiveMethod) throw fail(M.cannotDeleteActive)
      if (method.is_primary === 1 && config.mfaPreventDeletePrimaryMethod) throw fail(M.cannotDeletePrimary)
      let accepted: Accepted | null = null
      if (active && config.mfaDeleteActiveMethodRequireCode) {
        // DRF Auth Kit answers 500 here (a KeyError); this is the field error its serializer meant.
        if (code === undefined) throw FieldErrors.of('code', 'This field is required.')
        accepted = await accept(user, method, code, clock.now(), true)
        if (!accepted) throw fail(M.invalidOtp)
      }
      const done = await spend(accepted, async (tx) => {
        await createMethodsRepo(tx).remove(method.id)
        if (method.is_primary === 1) await promoteAnother(tx, user.id, method.id)
        await record(tx, { event: 'mfa_disabled', at: clock.now(), userId: user.id, detail: { method: name, how: 'deleted' } })
      })
      if (!done.ok) throw fail(M.invalidOtp)
    },

    /** mfa/backup-codes/regenerate/: a new set for an active method, proven by a current code of it; the old set is void. */
    async regenerateBackupCodes(user: UserRow, name: string, code: string): Promise<string[]> {
      const method = await activeMethod(user.id, name)
      const accepted = await accept(user, method, code, clock.now(), false)
      if (!accepted) throw fail(M.invalidOtp)
      const codes = backupCodes(config.numOfBackupCodes, config.backupCodeLength)
      const done = await spend(accepted, async (tx) => {
        await createMethodsRepo(tx).replaceBackups(method.id, codes.map((c) => keys.digest(c, backupContext(method))))
        await record(tx, { event: 'mfa_backup_codes_regenerated', at: clock.now(), userId: user.id, detail: { method: name } })
      })
      if (!done.ok) throw fail(M.invalidOtp)
      return codes
    },
  }
}

export type Mfa = ReturnType<typeof createMfa>

/** What the MFA routes and the UI are built from: the app's one MFA service, made by createApp. */
export interface WithMfa {
  readonly mfa: Mfa
}
