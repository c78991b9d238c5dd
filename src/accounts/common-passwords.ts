// The common-passwords list for Django's CommonPasswordValidator: zxcvbn-ts's 49,233 most common passwords
// (lower-case), embedded in the binary (the require below is static) and turned into a Set on first use.
import type * as LanguageCommon from '@zxcvbn-ts/language-common'

let common: ReadonlySet<string> | undefined

// Required on first use, not imported: the package decompresses all its word lists when loaded,
// 10-20 ms that every start-up would pay before the first password is checked.
const load = (): ReadonlySet<string> =>
  new Set((require('@zxcvbn-ts/language-common') as typeof LanguageCommon).dictionary['passwords-common'])

/** True when `password` (compared lower-cased and trimmed, as Django does) is on the list. */
export function isCommonPassword(password: string): boolean {
  common ??= load()
  return common.has(password.toLowerCase().trim())
}

/** How many entries the list holds (for the test that guards against an empty or truncated list). */
export function commonPasswordCount(): number {
  common ??= load()
  return common.size
}
