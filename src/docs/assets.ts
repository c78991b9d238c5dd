// The Swagger UI and ReDoc bundles, embedded in the binary (`with { type: 'file' }`), and served from it.
import redocBundle from 'redoc/bundles/redoc.standalone.js' with { type: 'file' }
import swaggerBundle from 'swagger-ui-dist/swagger-ui-bundle.js' with { type: 'file' }
import swaggerCss from 'swagger-ui-dist/swagger-ui.css' with { type: 'file' }
import { redocBoot, swaggerBoot } from './boot.ts'

const LOCAL_LOGO =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Ccircle cx='8' cy='8' r='7' fill='%23e53935'/%3E%3C/svg%3E"

/** Text replacements in ReDoc's standalone bundle; a test checks each still matches exactly once. */
export const REDOC_PATCHES: readonly { find: string; replace: string; why: string }[] = [
  {
    find: 'https://cdn.redoc.ly/redoc/logo-mini.svg',
    replace: LOCAL_LOGO,
    why: 'the sidebar credit loads a logo from the CDN by itself; a small inline image takes its place',
  },
  {
    find: 'r.nc=void 0;',
    replace: 'r.nc=(document.currentScript||{}).nonce||void 0;',
    why:
      "webpack's style nonce starts empty, so styles injected while the bundle loads (the scrollbar's) would lack it " +
      'and the CSP would block them; it now starts as the nonce of the <script> tag that loads the bundle',
  },
]

const JS = 'text/javascript; charset=utf-8'
const CSS = 'text/css; charset=utf-8'

export interface Asset {
  readonly type: string
  body(): Promise<string | Blob>
}

const file = (path: string, type: string): Asset => ({ type, body: async () => Bun.file(path) })
const text = (content: string, type: string): Asset => ({ type, body: async () => content })

/** Read and patched on first use only: start-up stays fast, and the 1 MB string is built once. */
function patched(path: string, type: string, patch: (source: string) => string): Asset {
  let cached: Promise<string> | undefined
  return { type, body: () => (cached ??= Bun.file(path).text().then(patch)) }
}

export const ASSET_FILES: Record<string, Asset> = {
  'swagger-ui-bundle.js': file(swaggerBundle, JS),
  'swagger-ui.css': file(swaggerCss, CSS),
  'swagger-boot.js': text(swaggerBoot, JS),
  'redoc.standalone.js': patched(redocBundle, JS, (source) => REDOC_PATCHES.reduce((s, p) => s.replace(p.find, p.replace), source)),
  'redoc-boot.js': text(redocBoot, JS),
}
