// Zod building blocks with DRF's wording, so every route's validation errors read like DRF Auth Kit's.
// Importing this module installs the message map; route schemas are built from these helpers.
import { z } from 'zod'

const DRF_MESSAGES = {
  required: 'This field is required.',
  blank: 'This field may not be blank.',
  email: 'Enter a valid email address.',
  string: 'Not a valid string.',
  boolean: 'Must be a valid boolean.',
  integer: 'A valid integer is required.',
}

z.config({
  customError(issue) {
    if (issue.code === 'invalid_type') {
      if (issue.input === undefined || issue.input === null) {
        return issue.path?.length ? DRF_MESSAGES.required : 'Invalid data. Expected a dictionary, but got nothing.'
      }
      if (issue.expected === 'object') {
        const got = Array.isArray(issue.input) ? 'list' : typeof issue.input === 'string' ? 'str' : typeof issue.input
        return `Invalid data. Expected a dictionary, but got ${got}.`
      }
      if (issue.expected === 'string') return DRF_MESSAGES.string
      if (issue.expected === 'boolean') return DRF_MESSAGES.boolean
      if (issue.expected === 'number' || issue.expected === 'int') return DRF_MESSAGES.integer
    }
    if (issue.code === 'too_big' && issue.origin === 'string') {
      return `Ensure this field has no more than ${issue.maximum} characters.`
    }
    if (issue.code === 'too_small' && issue.origin === 'string') {
      return issue.minimum === 1 ? DRF_MESSAGES.blank : `Ensure this field has at least ${issue.minimum} characters.`
    }
    if (issue.code === 'invalid_format' && issue.format === 'email') return DRF_MESSAGES.email
    // DRF quotes the value ('"x" is not a valid choice.'); error bodies never quote the request (API.md §13).
    if (issue.code === 'invalid_value') return issue.input === undefined ? DRF_MESSAGES.required : 'Not a valid choice.'
    return undefined
  },
})

/** DRF's ProhibitNullCharactersValidator, which every CharField has: NUL truncates strings in C libraries and logs. */
export const NULL_CHARACTERS = 'Null characters are not allowed.'
const noNul = (s: string) => !s.includes('\u0000')
/** Every string field is one of these (or built on one), so each refuses NUL. */
const text = () => z.string().refine(noNul, NULL_CHARACTERS)

/** A required string: trimmed, not blank, at most `max` characters. */
export const requiredString = (max = 255) => text().trim().min(1).max(max)

/** An optional string that may be blank: trimmed, at most `max` characters. */
export const optionalString = (max = 255) => text().trim().max(max).optional()

/** A secret typed by a person (passwords): not trimmed (DRF trims, but a space is a valid character), not blank. */
export const password = () => text().min(1).max(4096)

// C0 and C1 controls (tabs, newlines, escape sequences) and the bidirectional overrides and isolates
// that make a name display as something else (U+202A-U+202E, U+2066-U+2069).
const CONTROL = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/u
export const CONTROL_CHARACTERS = 'Control characters (such as tabs, line breaks or text-direction marks) are not allowed.'

/** A person's name as shown to others (first_name, last_name): like optionalString, without control characters. */
export const displayName = (max = 150) =>
  text()
    .trim()
    .max(max)
    .refine((s) => !CONTROL.test(s.replace(/\u0000/g, '')), CONTROL_CHARACTERS)
    .optional()

/** A required e-mail address, trimmed and lower-cased. */
export const email = () =>
  text()
    .trim()
    .min(1)
    .max(254)
    .pipe(z.email())
    .transform((e) => e.toLowerCase())

export { z }
