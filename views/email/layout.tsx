// The frame every authkit e-mail shares: a plain, inline-styled HTML body (mail clients drop <style> and
// external assets) and the matching plain-text version. Every value is escaped (`safe`); hrefs are attributes.
/** @jsxImportSource @kitajs/html */ // explicit: `bun src/main.ts` run from another directory ignores tsconfig's JSX settings
import { duration, t } from '../../src/i18n/translate.ts'

export interface RenderedMail {
  readonly subject: string
  readonly text: string
  readonly html: string
}

/** What an "action" e-mail says: a greeting, a reason, one link to follow, and notes under it. */
export interface ActionMailProps {
  /** The language of the request that caused the mail (API.md §14); English when absent. */
  readonly lang?: string
  readonly siteName: string
  readonly subject: string
  readonly greeting: string
  readonly intro: string
  readonly action: string
  readonly link: string
  readonly notes: readonly string[]
}

/** "3 days", "1 hour", "90 minutes": how long a key stays valid, for the sentence under the link. */
export function humanDuration(seconds: number): string {
  const units: [number, string][] = [
    [86400, 'day'],
    [3600, 'hour'],
    [60, 'minute'],
  ]
  for (const [size, name] of units) {
    if (seconds >= size && seconds % size === 0) {
      const n = seconds / size
      return `${n} ${name}${n === 1 ? '' : 's'}`
    }
  }
  return `${seconds} second${seconds === 1 ? '' : 's'}`
}

/**
 * The page every HTML mail is: the site's name over a white card, in the mail's language and direction.
 * `content` is the card's rendered HTML (its values escaped where it was made).
 */
export function mailPage(p: { lang?: string; subject: string; siteName: string }, content: JSX.Element): string {
  return (
    '<!doctype html>' +
    (
      <html lang={p.lang ?? 'en'} dir={p.lang === 'ar' ? 'rtl' : 'ltr'}>
        <head>
          <meta charset="utf-8" />
          <title safe>{p.subject}</title>
        </head>
        <body style="margin:0;padding:24px;background:#f4f4f5;font-family:Arial,Helvetica,sans-serif;color:#18181b">
          <div style="max-width:560px;margin:0 auto;background:#ffffff;padding:32px;border-radius:8px">
            <h1 style="font-size:20px;margin:0 0 24px" safe>
              {p.siteName}
            </h1>
            {content}
          </div>
        </body>
      </html>
    )
  )
}

function ActionHtml(p: ActionMailProps): string {
  return mailPage(
    p,
    <>
      <p safe>{p.greeting}</p>
      <p safe>{p.intro}</p>
      <p style="margin:32px 0">
        <a
          href={p.link}
          style="background:#2563eb;color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none;display:inline-block"
          safe
        >
          {p.action}
        </a>
      </p>
      <p style="font-size:13px;color:#52525b">
        {t(p.lang ?? 'en', 'If the button does not work, copy this address into your browser:')}
        <br />
        <span style="word-break:break-all" safe>
          {p.link}
        </span>
      </p>
      {p.notes.map((note) => (
        <p style="font-size:13px;color:#52525b" safe>
          {note}
        </p>
      ))}
      <p style="font-size:13px;color:#52525b" safe>
        {t(p.lang ?? 'en', 'Thank you for using {site}!', { site: p.siteName })}
      </p>
    </>,
  )
}

function actionText(p: ActionMailProps): string {
  return [p.greeting, '', p.intro, '', `${p.action}: ${p.link}`, '', ...p.notes.flatMap((n) => [n, '']), t(p.lang ?? 'en', 'Thank you for using {site}!', { site: p.siteName }), ''].join(
    '\n',
  )
}

/** How long a link stays valid, in `lang` ("3 days", "3 Tage"). */
export const validFor = (lang: string | undefined, seconds: number): string =>
  !lang || lang === 'en' ? humanDuration(seconds) : duration(lang, seconds)

export function actionMail(p: ActionMailProps): RenderedMail {
  return { subject: p.subject, text: actionText(p), html: ActionHtml(p) }
}
