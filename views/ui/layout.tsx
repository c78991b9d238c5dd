// The testing UI's page shell: head with the embedded stylesheet, htmx and glue script; no external assets.
/** @jsxImportSource @kitajs/html */ // explicit: `bun src/main.ts` run from another directory ignores tsconfig's JSX settings
import { renderingLang } from '../../src/i18n/translate.ts'
import type { PropsWithChildren } from '@kitajs/html'

/** URLs of the assets served from the binary. */
export interface AssetUrls {
  readonly css: string
  readonly htmx: string
  readonly js: string
}

// 4xx answers are what a tester provokes on purpose: no swap, and no htmx console error for them.
// No eval (no hx-on / js: values), no <script> run from swapped fragments, no injected indicator <style>.
const HTMX_CONFIG = JSON.stringify({
  allowEval: false,
  allowScriptTags: false,
  includeIndicatorStyles: false,
  selfRequestsOnly: true,
  historyEnabled: false,
  responseHandling: [
    { code: '204', swap: false },
    { code: '[23]..', swap: true },
    { code: '4..', swap: false, error: false },
    { code: '5..', swap: false, error: true },
  ],
})

export interface LayoutProps {
  readonly title: string
  readonly assets: AssetUrls
  /** Cookie auth off: the page keeps the token from the last login and sends it as a header. */
  readonly headerAuth: boolean
}

export const Layout = ({ title, assets, headerAuth, children }: PropsWithChildren<LayoutProps>) => (
  <html lang={renderingLang()} dir={renderingLang() === 'ar' ? 'rtl' : 'ltr'}>
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="htmx-config" content={HTMX_CONFIG} />
      <meta name="referrer" content="same-origin" />
      <title safe>{title}</title>
      <link rel="icon" href="data:," />
      <link rel="stylesheet" href={assets.css} />
      <script src={assets.htmx} defer></script>
      <script src={assets.js} defer></script>
    </head>
    <body data-header-auth={headerAuth ? 'true' : 'false'}>
      <a class="skip" href="#main">
        Skip to the forms
      </a>
      {children}
    </body>
  </html>
)
