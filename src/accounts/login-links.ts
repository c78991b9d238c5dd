// E-mailed sign-in links (USE_EMAIL_LINK_LOGIN): a random, single-use token (only its SHA-256 stored) mailed
// to an active account's address; presenting it once, before LOGIN_LINK_LIFETIME ends, proves the address.
import { loginLinkMail } from '../../views/email/login-link.tsx'
import { record } from '../audit/audit.ts'
import { FieldErrors } from '../lib/errors.ts'
import { randomToken, sha256 } from '../lib/crypto.ts'
import { notifyOutbox } from '../mail/notify.ts'
import { createOutboxRepo } from '../mail/outbox.repo.ts'
import type { AccountsDeps } from './accounts.ts'
import { rolledBack } from './decoy.ts'
import { type LoginLinkRow, createLoginLinksRepo } from './login-links.repo.ts'
import { loginLinkUrl } from './links.ts'
import { type UserRow, createUsersRepo } from '../users/users.repo.ts'

export const LOGIN_LINK_SENT = 'If this address has an account, a sign-in link has been sent.'

const invalid = () => FieldErrors.of('token', 'Invalid value')

export function createLoginLinks({ config, db, clock }: AccountsDeps) {
  const users = createUsersRepo(db)
  const links = createLoginLinksRepo(db)

  /** The link row and its active user when `token` is unused and unexpired; else null. */
  async function find(token: string): Promise<{ link: LoginLinkRow; user: UserRow } | null> {
    // The lookup is by digest: a guess that shares a prefix with a real token finds nothing closer.
    const link = token ? await links.byHash(sha256(token)) : null
    if (!link || link.used_at !== null || link.expires_at <= clock.now()) return null
    const user = await users.byId(link.user_id)
    return user && user.is_active === 1 ? { link, user } : null
  }

  return {
    /**
     * Mails a sign-in link when `email` belongs to an active account. The caller answers the same either way,
     * and an unknown address does the same work (rolled back), so neither the answer nor its time tells.
     */
    async request(email: string, requestUrl: string): Promise<void> {
      const user = await users.byEmail(email)
      const known = user !== null && user.is_active === 1
      const token = randomToken(32)
      const mailTo = (username: string) => ({
        to: email,
        ...loginLinkMail({
          siteName: config.siteName,
          username,
          link: loginLinkUrl(config, requestUrl, token),
          expiresInSeconds: config.loginLinkLifetime,
        }),
        kind: 'login_link' as const,
      })
      if (!known) {
        await rolledBack(db, async (tx) => {
          const now = clock.now()
          // The link's two statements (sweep, insert) as two of the same weight that touch nothing: on
          // PostgreSQL each is a round trip, and a missing one would show in the answer's time.
          const decoy = tx.use(createLoginLinksRepo)
          await decoy.use(0, now)
          await decoy.byHash(sha256(token))
          await tx.use(createOutboxRepo).add(mailTo(email.split('@')[0]!), now)
        })
        return
      }
      await db.transaction(async (tx) => {
        const now = clock.now()
        await tx.use(createLoginLinksRepo).add({ userId: user.id, tokenHash: sha256(token), now, expiresAt: now + config.loginLinkLifetime * 1000 })
        await tx.use(createOutboxRepo).add({ ...mailTo(user.username), to: user.email }, now)
      })
      notifyOutbox(db)
    },

    /** Whether `token` would sign someone in now, without using it (the link's page asks before its button). */
    check: async (token: string): Promise<boolean> => (await find(token)) !== null,

    /** Uses the token (once) and answers whose it was; a bad, used or expired token is `{"token":["Invalid value"]}`. */
    async use(token: string): Promise<UserRow> {
      const found = await find(token)
      // A second request with the same token, racing this one, finds it used here.
      if (!found) throw invalid()
      const now = clock.now()
      const used = await db.transaction(async (tx) => {
        if (!(await tx.use(createLoginLinksRepo).use(found.link.id, now))) return false
        await record(tx, { event: 'login_link_used', at: now, userId: found.user.id })
        return true
      })
      if (!used) throw invalid()
      return found.user
    },
  }
}

export type LoginLinks = ReturnType<typeof createLoginLinks>
