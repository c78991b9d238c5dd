// The frame of the few pages authkit serves itself (finishing e-mail verification and password reset when
// no frontend is configured): one inline stylesheet, no scripts, no external assets.
/** @jsxImportSource @kitajs/html */ // explicit: `bun src/main.ts` run from another directory ignores tsconfig's JSX settings
import type { PropsWithChildren } from '@kitajs/html'
import { t } from '../../src/i18n/translate.ts'

const STYLE = `
body{margin:0;background:#f4f4f5;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#18181b}
main{max-width:420px;margin:48px auto;background:#fff;padding:32px;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.1)}
h1{font-size:22px;margin:0 0 16px}
.site{color:#52525b;font-size:14px;margin:0 0 24px}
label{display:block;font-weight:600;margin:16px 0 4px}
input[type=password]{box-sizing:border-box;width:100%;padding:10px;border:1px solid #a1a1aa;border-radius:6px;font:inherit}
button{margin-top:24px;width:100%;padding:12px;border:0;border-radius:6px;background:#2563eb;color:#fff;font:inherit;font-weight:600;cursor:pointer}
button:focus,input:focus{outline:3px solid #93c5fd;outline-offset:1px}
.error{color:#b91c1c;margin:4px 0 0;font-size:14px}
.notice{padding:12px;border-radius:6px;background:#fef2f2;color:#991b1b}
.done{padding:12px;border-radius:6px;background:#f0fdf4;color:#166534}
`

export interface PageProps {
  readonly siteName: string
  /** English; shown in `lang`. */
  readonly title: string
  /** The language of the request (API.md §14); English when absent. */
  readonly lang?: string
}

export function Page({ siteName, title: english, lang = 'en', children }: PropsWithChildren<PageProps>): string {
  const title = t(lang, english)
  return (
    '<!doctype html>' +
    (
      <html lang={lang} dir={lang === 'ar' ? 'rtl' : 'ltr'}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="referrer" content="no-referrer" />
          <meta name="robots" content="noindex" />
          <title safe>{`${title} · ${siteName}`}</title>
          <style>{STYLE}</style>
        </head>
        <body>
          <main>
            <p class="site" safe>
              {siteName}
            </p>
            <h1 safe>{title}</h1>
            {children}
          </main>
        </body>
      </html>
    )
  )
}

/** The messages of one form field, under it, tied to the input by `aria-describedby`. */
export function FieldMessages({ id, messages }: { id: string; messages: readonly string[] | undefined }) {
  if (!messages?.length) return ''
  return (
    <div id={id}>
      {messages.map((m) => (
        <p class="error" safe>
          {m}
        </p>
      ))}
    </div>
  )
}
