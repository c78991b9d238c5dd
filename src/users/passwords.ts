// Password hashing with argon2id (Bun.password, off the event loop); parameters come from the settings.
// Verification also knows the hash formats of Django, for imported users (re-hashed at their first login).
import { pbkdf2, timingSafeEqual } from 'node:crypto'

export interface HashParams {
  readonly memoryCost: number
  readonly timeCost: number
}

export const hashParams = (config: { argon2MemoryCost: number; argon2TimeCost: number }): HashParams => ({
  memoryCost: config.argon2MemoryCost,
  timeCost: config.argon2TimeCost,
})

/**
 * At most one argon2id operation per core, plus one, at a time; the rest wait here. Bun runs password
 * hashing and WebCrypto (every JWT signature made or checked) on one shared thread pool: unbounded, a
 * burst of 50 logins queued 50 hashes there, and a token check arriving behind them waited ~1 s. The
 * one extra keeps a hash queued on the pool, so a thread that finishes one starts the next at once
 * instead of idling while the event loop hands the slot over: with exactly one per core, a login flood
 * ran at 88-89 % of the hash rate alone, with one more at 92-104 % (benchmark, 2 alternating runs each).
 * A JWT operation arriving meanwhile waits for at most one more hash (~45 ms at the default cost).
 */
const HASH_SLOTS = Math.max(1, navigator.hardwareConcurrency || 1) + 1
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

type HashListener = (operation: 'hash' | 'verify', seconds: number) => void
const hashListeners: HashListener[] = []

/** Calls `listener` with the time of every hash and verify of this process (the metrics' hash histogram). */
export function onHashTimed(listener: HashListener): void {
  hashListeners.push(listener)
}

/** Runs `work` and reports its time (without the slot wait) to the listeners; untimed when there are none. */
async function timed<T>(operation: 'hash' | 'verify', work: () => Promise<T>): Promise<T> {
  if (hashListeners.length === 0) return work()
  const start = performance.now()
  try {
    return await work()
  } finally {
    const seconds = (performance.now() - start) / 1000
    for (const listener of hashListeners) listener(operation, seconds)
  }
}

export function hashPassword(password: string, params: HashParams): Promise<string> {
  return inHashSlot(() => timed('hash', () => Bun.password.hash(password, { algorithm: 'argon2id', ...params })))
}

/** Checks a password; never throws for a malformed stored hash (treated as a mismatch). */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  try {
    return await inHashSlot(() => timed('verify', () => verifyAny(password, hash)))
  } catch {
    return false
  }
}

/**
 * Our argon2id hashes, plus the formats Django writes (users imported with `authkit users import
 * --django`): `pbkdf2_sha256$iterations$salt$base64`, `argon2$argon2id$v=19$m=..,t=..,p=..$salt$hash`
 * (argon2i too) and `bcrypt_sha256$$2b$...` (bcrypt of the password's SHA-256 hex digest). Each compares
 * in constant time. A match on any of them is re-hashed to argon2id at login (`needsRehash` says so).
 */
async function verifyAny(password: string, hash: string): Promise<boolean> {
  if (hash.startsWith('pbkdf2_sha256$')) return verifyDjangoPbkdf2(password, hash)
  if (hash.startsWith('argon2$argon2')) return Bun.password.verify(password, hash.slice('argon2'.length))
  if (hash.startsWith('bcrypt_sha256$$2')) {
    const digest = new Bun.CryptoHasher('sha256').update(password).digest('hex')
    return Bun.password.verify(digest, hash.slice('bcrypt_sha256$'.length))
  }
  return Bun.password.verify(password, hash)
}

/** The hash formats `verifyPassword` knows: what the Django import accepts. */
export const isKnownHash = (hash: string): boolean =>
  /^\$argon2id\$/.test(hash) ||
  /^pbkdf2_sha256\$\d+\$[^$]+\$[A-Za-z0-9+/=]+$/.test(hash) ||
  /^argon2\$argon2(id|i)\$v=\d+\$m=\d+,t=\d+,p=\d+\$[^$]+\$[^$]+$/.test(hash) ||
  /^bcrypt_sha256\$\$2[aby]\$\d\d\$.{53}$/.test(hash)

async function verifyDjangoPbkdf2(password: string, hash: string): Promise<boolean> {
  const [, iterations, salt, expected] = hash.split('$')
  const want = Buffer.from(expected ?? '', 'base64')
  const n = Number(iterations)
  if (!salt || want.length === 0 || !Number.isInteger(n) || n < 1 || n > 10_000_000) return false
  const got = await new Promise<Buffer>((resolve, reject) =>
    pbkdf2(password, salt, n, want.length, 'sha256', (e, key) => (e ? reject(e) : resolve(key))),
  )
  return got.length === want.length && timingSafeEqual(got, want)
}

/** True when `hash` was made with other parameters (or another algorithm) and should be redone at login. */
export function needsRehash(hash: string, params: HashParams): boolean {
  const m = /^\$argon2id\$v=\d+\$m=(\d+),t=(\d+),p=\d+\$/.exec(hash)
  return !m || Number(m[1]) !== params.memoryCost || Number(m[2]) !== params.timeCost
}

/**
 * Marks an account that has no password (created by social login), as Django's `set_unusable_password`
 * does: '!' and random text, which no argon2id hash starts with and no password verifies against.
 */
const UNUSABLE = '!'

export const unusablePasswordHash = () => `${UNUSABLE}${Buffer.from(crypto.getRandomValues(new Uint8Array(30))).toString('base64url')}`

/** False for an account created without a password: login by password is impossible until one is set. */
export const hasUsablePassword = (hash: string) => !hash.startsWith(UNUSABLE)
