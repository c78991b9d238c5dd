// The common-passwords list for Django's CommonPasswordValidator: zxcvbn-ts's 49,233 most common passwords
// (lower-case), embedded in the binary by the static import and turned into a Set on first use.
import { dictionary } from '@zxcvbn-ts/language-common'

let common: ReadonlySet<string> | undefined

/** True when `password` (compared lower-cased and trimmed, as Django does) is on the list. */
export function isCommonPassword(password: string): boolean {
  common ??= new Set(dictionary['passwords-common'])
  return common.has(password.toLowerCase().trim())
}

/** How many entries the list holds (for the test that guards against an empty or truncated list). */
export function commonPasswordCount(): number {
  common ??= new Set(dictionary['passwords-common'])
  return common.size
}
