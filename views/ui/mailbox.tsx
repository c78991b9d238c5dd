// The mailbox: the outbox shown as an inbox, and one opened message with its text, its HTML (in a
// sandboxed iframe, so a mail's markup can neither run script nor touch this page) and its links.
/** @jsxImportSource @kitajs/html */ // explicit: `bun src/main.ts` run from another directory ignores tsconfig's JSX settings
import { Time } from './time.tsx'

export interface MailSummary {
  readonly id: number
  readonly to: string
  readonly subject: string
  readonly kind: string
  readonly created_at: string
}

export interface MailMessage extends MailSummary {
  readonly text: string
  /** Where the HTML body is served (sandboxed), or null for a text-only mail. */
  readonly htmlUrl: string | null
}

/** A link found in a message, and what the UI can do with it. */
export interface MailLink {
  readonly href: string
  /** Where it leads: this server, the configured frontend (FRONTEND_BASE_URL), or some other site. */
  readonly where: 'here' | 'frontend' | 'elsewhere'
  readonly action?: { readonly kind: 'verify'; readonly key: string } | { readonly kind: 'reset'; readonly uid: string; readonly token: string }
}

export const MailList = ({ mails }: { readonly mails: readonly MailSummary[] }) => (
  <div id="mail-list" hx-get="/api/auth/ui/mailbox/" hx-trigger="authkit:changed from:body" hx-swap="outerHTML">
    {mails.length === 0 ? (
      <p class="empty">No messages yet. Register or ask for a password reset.</p>
    ) : (
      <ul class="mails" aria-label="Messages, newest first">
        {mails.map((m) => (
          <li>
            <button type="button" hx-get={`/api/auth/ui/mailbox/${m.id}/`} hx-target="#mail-view" hx-swap="innerHTML">
              <span class="subject" safe>
                {m.subject}
              </span>
              <span class="meta">
                <span safe>{`#${m.id} · to ${m.to} · ${m.kind} · `}</span>
                <Time iso={m.created_at} />
              </span>
            </button>
          </li>
        ))}
      </ul>
    )}
  </div>
)

const LinkActions = ({ link }: { readonly link: MailLink }) => {
  const action = link.action
  if (!action) return <></>
  if (action.kind === 'verify') {
    return (
      <div class="actions">
        <button type="button" hx-post="/api/auth/registration/verify-email/" hx-vals={JSON.stringify({ key: action.key })} hx-swap="none">
          Verify now (POST registration/verify-email/)
        </button>
        <button type="button" class="secondary" data-fill={JSON.stringify({ form: 'verify-email', values: { key: action.key } })}>
          Fill the verify form
        </button>
      </div>
    )
  }
  return (
    <div class="actions">
      <button type="button" data-fill={JSON.stringify({ form: 'reset-confirm', values: { uid: action.uid, token: action.token } })}>
        Fill the reset confirm form
      </button>
    </div>
  )
}

export const MailView = ({ mail, links }: { readonly mail: MailMessage; readonly links: readonly MailLink[] }) => (
  <article class="mail" aria-labelledby="mail-subject">
    <h3 id="mail-subject" safe>
      {mail.subject}
    </h3>
    <p class="hint">
      <span safe>{`To ${mail.to} · ${mail.kind} · `}</span>
      <Time iso={mail.created_at} />
    </p>
    {links.length > 0 && (
      <>
        <h4>Links</h4>
        <ul class="links">
          {links.map((link) => (
            <li>
              <a href={link.href} class="mail-link" target="_blank" rel="noopener" safe>
                {link.href}
              </a>
              {link.where === 'frontend' && <small> (your frontend, FRONTEND_BASE_URL)</small>}
              {link.where === 'elsewhere' && <small> (another site)</small>}
              <LinkActions link={link} />
            </li>
          ))}
        </ul>
      </>
    )}
    <h4>Text</h4>
    <pre safe>{mail.text}</pre>
    {mail.htmlUrl !== null && (
      <>
        <h4>HTML</h4>
        {/* No scripts, no access to this page (opaque origin); only the new tab a clicked link opens.
            Loaded by URL, not srcdoc: htmx edits <head> out of fragments, even inside attribute values. */}
        <iframe title="HTML body of the message" sandbox="allow-popups allow-popups-to-escape-sandbox" src={mail.htmlUrl}></iframe>
      </>
    )}
  </article>
)

export const MailNotFound = ({ id }: { readonly id: string }) => (
  <p class="empty" safe>
    {`Message ${id} does not exist.`}
  </p>
)
