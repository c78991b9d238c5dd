// The MFA step is asked by every way of signing in that uses one factor (API.md §8.1): an e-mailed
// sign-in link included, never skipped by its page.
import { describe, expect, it } from 'bun:test'
import { createOutboxRepo } from '../../src/mail/outbox.repo.ts'
import { client, codeAt, enrolApp, mfaApp, post } from './helpers.ts'

async function linkToken(t: ReturnType<typeof mfaApp>): Promise<string> {
  expect((await post(t, 'login/email-link/', { email: 'alice@example.com' })).status).toBe(200)
  const mail = (await createOutboxRepo(t.deps.db).list()).find((m) => m.kind === 'login_link')!
  return new URL(/https?:\/\/\S+/.exec(mail.text_body)![0]).searchParams.get('token')!
}

describe('a sign-in link of a user with MFA', () => {
  it('a sign-in link never skips the MFA step: verify answers the ephemeral token and no session, the code finishes it', async () => {
    const t = mfaApp({ useEmailLinkLogin: true })
    const c = await client(t)
    const { secret } = await enrolApp(c)
    const res = await post(t, 'login/email-link/verify/', { token: await linkToken(t) })
    expect(res.status, await res.clone().text()).toBe(200)
    const step = (await res.json()) as Record<string, unknown>
    expect(step).toMatchObject({ mfa_enabled: true, method: 'app' })
    expect(step.access_token).toBeUndefined()
    expect(res.headers.get('set-cookie')).toBeNull()
    t.clock.advance(t.deps.config.mfaTotpDefaultInterval) // the enrolment used the current code
    const done = await post(t, 'login/verify/', { ephemeral_token: step.ephemeral_token, code: codeAt(t, secret) })
    expect(done.status, await done.clone().text()).toBe(200)
    expect(((await done.json()) as Record<string, unknown>).access_token).toBeString()
  })

  it('the sign-in link page never skips the MFA step: it signs nobody in and sets no cookie', async () => {
    const t = mfaApp({ useEmailLinkLogin: true, useAuthCookie: true })
    const c = await client(t)
    await enrolApp(c)
    const token = await linkToken(t)
    const page = await t.req('/sign-in-link', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }).toString(),
    })
    expect(page.status).toBe(403)
    expect(page.headers.get('set-cookie')).toBeNull()
  })
})
