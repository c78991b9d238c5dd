// Links found in outbox messages, and which flow each one finishes.
import { describe, expect, it } from 'bun:test'
import { describeLink, findLinks, linksInNewTab } from '../../src/ui/mail-links.ts'

describe('mail links', () => {
  it('finds each http(s) link once, without trailing punctuation', () => {
    const text = 'Open http://localhost:8000/verify-email?key=a.b-c_d. Or (https://app.example.com/x?key=1), again http://localhost:8000/verify-email?key=a.b-c_d'
    expect(findLinks(text)).toEqual(['http://localhost:8000/verify-email?key=a.b-c_d', 'https://app.example.com/x?key=1'])
    expect(findLinks('javascript:alert(1) and ftp://x')).toEqual([])
  })

  it('tells verification and reset links apart, and ours from a frontend', () => {
    const origins = { local: ['http://localhost:8000'], frontend: 'https://app.example.com' }
    expect(describeLink('http://localhost:8000/verify-email?key=K', origins)).toEqual({
      href: 'http://localhost:8000/verify-email?key=K',
      where: 'here',
      action: { kind: 'verify', key: 'K' },
    })
    expect(describeLink('https://app.example.com/reset?uid=3&token=T', origins)).toEqual({
      href: 'https://app.example.com/reset?uid=3&token=T',
      where: 'frontend',
      action: { kind: 'reset', uid: '3', token: 'T' },
    })
    expect(describeLink('http://localhost:8000/other', origins)).toEqual({ href: 'http://localhost:8000/other', where: 'here' })
    expect(describeLink('https://evil.example/?key=1', origins).where).toBe('elsewhere')
  })

  it('makes the links of an HTML mail open a new tab, keeping its doctype first', () => {
    expect(linksInNewTab('<!doctype html><html><head><title>t</title></head><body><a href="x">x</a></body></html>')).toBe(
      '<!doctype html><html><head><base target="_blank"><title>t</title></head><body><a href="x">x</a></body></html>',
    )
    expect(linksInNewTab('<HEAD lang="en"></HEAD>')).toBe('<HEAD lang="en"><base target="_blank"></HEAD>')
    expect(linksInNewTab('<p>no head</p>')).toBe('<base target="_blank"><p>no head</p>')
  })
})
