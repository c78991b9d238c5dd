// SQL for mfa_methods and mfa_backup_codes: a user's MFA methods, their state and their codes.
import { type Db, sql } from '../db/engine.ts'

export interface MethodRow {
  id: number
  user_id: number
  name: string
  /** The sealed TOTP secret, or '' (keys.ts). */
  secret: string
  is_active: number
  is_primary: number
  last_step: number | null
  code_hash: string | null
  code_expires_at: number | null
  created_at: number
}

const byUser = sql<MethodRow, { userId: number }>('SELECT * FROM mfa_methods WHERE user_id = $userId ORDER BY id')
const byName = sql<MethodRow, { userId: number; name: string }>('SELECT * FROM mfa_methods WHERE user_id = $userId AND name = $name')
const byId = sql<MethodRow, { id: number }>('SELECT * FROM mfa_methods WHERE id = $id')
const primary = sql<MethodRow, { userId: number }>('SELECT * FROM mfa_methods WHERE user_id = $userId AND is_primary = 1 AND is_active = 1')
const insert = sql<{ id: number }, { userId: number; name: string; secret: string; now: number }>(
  'INSERT INTO mfa_methods (user_id, name, secret, created_at) VALUES ($userId, $name, $secret, $now) RETURNING id',
)
const setSecret = sql<never, { id: number; secret: string }>('UPDATE mfa_methods SET secret = $secret WHERE id = $id')
const activate = sql<never, { id: number }>('UPDATE mfa_methods SET is_active = 1 WHERE id = $id AND is_active = 0')
const deactivate = sql<never, { id: number }>('UPDATE mfa_methods SET is_active = 0, is_primary = 0 WHERE id = $id AND is_active = 1')
const clearPrimary = sql<never, { userId: number }>('UPDATE mfa_methods SET is_primary = 0 WHERE user_id = $userId AND is_primary = 1')
const makePrimary = sql<never, { id: number }>('UPDATE mfa_methods SET is_primary = 1 WHERE id = $id AND is_active = 1')
const remove = sql<never, { id: number }>('DELETE FROM mfa_methods WHERE id = $id')
// Only a later step than the last accepted one: the compare-and-set that makes a TOTP code single-use.
const useStep = sql<never, { id: number; step: number }>(
  'UPDATE mfa_methods SET last_step = $step WHERE id = $id AND (last_step IS NULL OR last_step < $step)',
)
const setCode = sql<never, { id: number; hash: string; expiresAt: number }>(
  'UPDATE mfa_methods SET code_hash = $hash, code_expires_at = $expiresAt WHERE id = $id',
)
const useCode = sql<never, { id: number; hash: string; now: number }>(
  'UPDATE mfa_methods SET code_hash = NULL, code_expires_at = NULL WHERE id = $id AND code_hash = $hash AND code_expires_at > $now',
)

const backupHashes = sql<{ id: number; code_hash: string }, { methodId: number }>(
  'SELECT id, code_hash FROM mfa_backup_codes WHERE method_id = $methodId ORDER BY id',
)
const backupCounts = sql<{ method_id: number; n: number }, { userId: number }>(
  `SELECT b.method_id, COUNT(*) AS n FROM mfa_backup_codes b JOIN mfa_methods m ON m.id = b.method_id
   WHERE m.user_id = $userId GROUP BY b.method_id`,
)
const addBackup = sql<never, { methodId: number; hash: string }>('INSERT INTO mfa_backup_codes (method_id, code_hash) VALUES ($methodId, $hash)')
const useBackup = sql<never, { id: number }>('DELETE FROM mfa_backup_codes WHERE id = $id')
const clearBackups = sql<never, { methodId: number }>('DELETE FROM mfa_backup_codes WHERE method_id = $methodId')

export function createMethodsRepo(db: Db) {
  return {
    byUser: (userId: number) => db.all(byUser, { userId }),
    byName: (userId: number, name: string) => db.get(byName, { userId, name }),
    byId: (id: number) => db.get(byId, { id }),
    /** The user's primary method, if it is active (the one the login's second step asks for). */
    primary: (userId: number) => db.get(primary, { userId }),
    add: async (userId: number, name: string, now: number) => (await db.get(insert, { userId, name, secret: '', now }))!.id,
    setSecret: (id: number, secret: string) => db.run(setSecret, { id, secret }),
    activate: async (id: number) => (await db.run(activate, { id })) === 1,
    deactivate: async (id: number) => (await db.run(deactivate, { id })) === 1,
    /** Makes `id` the user's only primary method; false when it is not active. */
    async setPrimary(userId: number, id: number): Promise<boolean> {
      await db.run(clearPrimary, { userId })
      return (await db.run(makePrimary, { id })) === 1
    },
    remove: (id: number) => db.run(remove, { id }),
    /** Records `step` as used; false when it (or a later one) was used already. */
    useStep: async (id: number, step: number) => (await db.run(useStep, { id, step })) === 1,
    /** The method's one valid e-mailed code from now on (replacing any earlier one). */
    setCode: (id: number, hash: string, expiresAt: number) => db.run(setCode, { id, hash, expiresAt }),
    /** Uses the e-mailed code with this digest; false when it is not the live one (used, replaced, expired). */
    useCode: async (id: number, hash: string, now: number) => (await db.run(useCode, { id, hash, now })) === 1,

    backupHashes: (methodId: number) => db.all(backupHashes, { methodId }),
    /** Backup codes left, by method id. */
    async backupCounts(userId: number): Promise<Map<number, number>> {
      return new Map((await db.all(backupCounts, { userId })).map((r) => [r.method_id, Number(r.n)]))
    },
    /** Replaces the method's backup codes with these digests. */
    async replaceBackups(methodId: number, hashes: readonly string[]): Promise<void> {
      await db.run(clearBackups, { methodId })
      for (const hash of hashes) await db.run(addBackup, { methodId, hash })
    },
    /** Uses one backup code (by row id); false when it was used already. */
    useBackup: async (id: number) => (await db.run(useBackup, { id })) === 1,
  }
}

export type MethodsRepo = ReturnType<typeof createMethodsRepo>
