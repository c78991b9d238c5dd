import { describe, expect, it } from 'bun:test'
import { commonPasswordCount, isCommonPassword } from '../../src/accounts/common-passwords.ts'
import { passwordProblems } from '../../src/accounts/password-rules.ts'

const SHORT = 'This password is too short. It must contain at least 8 characters.'
const COMMON = 'This password is too common.'
const NUMERIC = 'This password is entirely numeric.'

describe("Django's four password validators", () => {
  it('accepts a long, uncommon password unrelated to the user', () => {
    expect(passwordProblems('velvet-Otter-91-lamp', { username: 'ann', email: 'ann@example.com' })).toEqual([])
  })

  it('too similar to the username, first name, last name or e-mail address (parts too)', () => {
    const user = { username: 'alice.smith', first_name: 'Bartholomew', last_name: 'Quennellwood', email: 'zanzibar.quux@example.com' }
    expect(passwordProblems('alicesmith1', user)).toEqual(['The password is too similar to the username.'])
    expect(passwordProblems('BARTHOLOMEW9', user)).toEqual(['The password is too similar to the first name.'])
    expect(passwordProblems('quennellwood!', user)).toEqual(['The password is too similar to the last name.'])
    expect(passwordProblems('zanzibarquux', user)).toEqual(['The password is too similar to the email address.'])
  })

  it('a short attribute inside a much longer password is not "similar" (Django skips it)', () => {
    expect(passwordProblems('al-velvet-otter-lamp-9182', { username: 'al' })).toEqual([])
  })

  it('shorter than 8 characters', () => {
    expect(passwordProblems('xK9#qZ2')).toEqual([SHORT])
    expect(passwordProblems('xK9#qZ2w')).toEqual([])
  })

  it('common passwords, compared regardless of case and surrounding spaces', () => {
    expect(passwordProblems('sunshine')).toEqual([COMMON])
    expect(passwordProblems('PassWord1')).toEqual([COMMON])
    expect(passwordProblems(' iloveyou ')).toEqual([COMMON])
  })

  it('entirely numeric', () => {
    expect(passwordProblems('4829105736193')).toEqual([NUMERIC])
  })

  it('reports every failing rule, in the order Django runs them', () => {
    expect(passwordProblems('1234', { username: '1234' })).toEqual(['The password is too similar to the username.', SHORT, COMMON, NUMERIC])
  })
})

describe('the common-passwords list', () => {
  it('is a real list of many thousand entries, not a short hand-written one', () => {
    expect(commonPasswordCount()).toBeGreaterThan(20_000)
    for (const p of ['123456', 'password', 'qwerty', 'letmein', 'trustno1', 'dragon']) expect(isCommonPassword(p)).toBe(true)
    expect(isCommonPassword('velvet-Otter-91-lamp')).toBe(false)
  })
})
