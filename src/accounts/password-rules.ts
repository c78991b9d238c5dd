// Django's four default password validators, with their exact messages and order (user-attribute
// similarity, minimum length 8, common password, entirely numeric), and SetPasswordForm's new-password check.
import { FieldErrors } from '../lib/errors.ts'
import { isCommonPassword } from './common-passwords.ts'

/** What the password is compared with; Django's verbose names are used in the message. */
export interface UserAttributes {
  readonly username?: string | null
  readonly first_name?: string | null
  readonly last_name?: string | null
  readonly email?: string | null
}

const VERBOSE_NAMES: Record<keyof UserAttributes, string> = {
  username: 'username',
  first_name: 'first name',
  last_name: 'last name',
  email: 'email address',
}

const MIN_LENGTH = 8
const MAX_SIMILARITY = 0.7

/** Python's difflib SequenceMatcher(a, b).quick_ratio(): an upper bound on similarity from shared characters. */
function quickRatio(a: string, b: string): number {
  const available = new Map<string, number>()
  for (const ch of b) available.set(ch, (available.get(ch) ?? 0) + 1)
  let matches = 0
  for (const ch of a) {
    const n = available.get(ch) ?? 0
    if (n > 0) matches++
    available.set(ch, n - 1)
  }
  const length = [...a].length + [...b].length
  return length ? (2 * matches) / length : 1
}

/** Django skips values far shorter than the password: they cannot make it guessable. */
function exceedsMaximumLengthRatio(password: string, value: string): boolean {
  const pwdLength = [...password].length
  const valueLength = [...value].length
  return pwdLength >= 10 * valueLength && valueLength < (MAX_SIMILARITY / 2) * pwdLength
}

function similarityError(password: string, user: UserAttributes): string | null {
  const pwd = password.toLowerCase()
  for (const name of Object.keys(VERBOSE_NAMES) as (keyof UserAttributes)[]) {
    const value = user[name]
    if (!value) continue
    const lower = value.toLowerCase()
    // Like Python's re.split(r"\W+"): the parts of "ann.lee@example.com", and the whole value.
    for (const part of [...lower.split(/[^\p{L}\p{N}_]+/u), lower]) {
      if (exceedsMaximumLengthRatio(pwd, part)) continue
      if (quickRatio(pwd, part) >= MAX_SIMILARITY) return `The password is too similar to the ${VERBOSE_NAMES[name]}.`
    }
  }
  return null
}

/** Every validator's message for `password`, in Django's order; empty when it is acceptable. */
export function passwordProblems(password: string, user: UserAttributes = {}): string[] {
  const problems: string[] = []
  const similar = similarityError(password, user)
  if (similar) problems.push(similar)
  if ([...password].length < MIN_LENGTH) {
    problems.push(`This password is too short. It must contain at least ${MIN_LENGTH} characters.`)
  }
  if (isCommonPassword(password)) problems.push('This password is too common.')
  if (/^\p{Nd}+$/u.test(password)) problems.push('This password is entirely numeric.')
  return problems
}

/**
 * Django's SetPasswordForm checks for password change and reset: a mismatch, else the validators
 * (against the account's own attributes), all reported under `new_password2`.
 */
export function assertNewPassword(password1: string, password2: string, user: UserAttributes): void {
  if (password1 !== password2) throw FieldErrors.of('new_password2', 'The two password fields didn’t match.')
  const problems = passwordProblems(password2, user)
  if (problems.length > 0) throw new FieldErrors({ new_password2: problems })
}
