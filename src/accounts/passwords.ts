// Password hashing with argon2id (Bun.password, off the event loop); parameters come from the settings.

export interface HashParams {
  readonly memoryCost: number
  readonly timeCost: number
}

export const hashParams = (config: { argon2MemoryCost: number; argon2TimeCost: number }): HashParams => ({
  memoryCost: config.argon2MemoryCost,
  timeCost: config.argon2TimeCost,
})

/**
 * At most one argon2id operation per core at a time; the rest wait here. Bun runs password hashing and
 * WebCrypto (every JWT signature made or checked) on one shared thread pool: unbounded, a burst of 50
 * logins queued 50 hashes there, and a token check arriving behind them waited ~1 s. More hashes at
 * once than cores would not finish sooner, so this costs login nothing.
 */
const HASH_SLOTS = Math.max(1, navigator.hardwareConcurrency || 1)
let hashing = 0
const waiting: (() => void)[] = []

async function inHashSlot<T>(work: () => Promise<T>): Promise<T> {
  if (hashing < HASH_SLOTS) hashing++
  else await new Promise<void>((resolve) => waiting.push(resolve)) // the finishing operation hands its slot over
  try {
    return await work()
  } finally {
    const next = waiting.shift()
    if (next) next()
    else hashing--
  }
}

export function hashPassword(password: string, params: HashParams): Promise<string> {
  return inHashSlot(() => Bun.password.hash(password, { algorithm: 'argon2id', ...params }))
}

/** Checks a password; never throws for a malformed stored hash (treated as a mismatch). */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  try {
    return await inHashSlot(() => Bun.password.verify(password, hash))
  } catch {
    return false
  }
}

/** True when `hash` was made with other parameters (or another algorithm) and should be redone at login. */
export function needsRehash(hash: string, params: HashParams): boolean {
  const m = /^\$argon2id\$v=\d+\$m=(\d+),t=(\d+),p=\d+\$/.exec(hash)
  return !m || Number(m[1]) !== params.memoryCost || Number(m[2]) !== params.timeCost
}
