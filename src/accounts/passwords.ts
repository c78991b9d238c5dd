// Password hashing with argon2id (Bun.password, off the event loop); parameters come from the settings.

export interface HashParams {
  readonly memoryCost: number
  readonly timeCost: number
}

export const hashParams = (config: { argon2MemoryCost: number; argon2TimeCost: number }): HashParams => ({
  memoryCost: config.argon2MemoryCost,
  timeCost: config.argon2TimeCost,
})

export function hashPassword(password: string, params: HashParams): Promise<string> {
  return Bun.password.hash(password, { algorithm: 'argon2id', ...params })
}

/** Checks a password; never throws for a malformed stored hash (treated as a mismatch). */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  try {
    return await Bun.password.verify(password, hash)
  } catch {
    return false
  }
}

/** True when `hash` was made with other parameters (or another algorithm) and should be redone at login. */
export function needsRehash(hash: string, params: HashParams): boolean {
  const m = /^\$argon2id\$v=\d+\$m=(\d+),t=(\d+),p=\d+\$/.exec(hash)
  return !m || Number(m[1]) !== params.memoryCost || Number(m[2]) !== params.timeCost
}
