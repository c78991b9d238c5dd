// The testing UI's static files, embedded in the binary (`with { type: 'file' }`) and served from it.
import htmxPath from 'htmx.org/dist/htmx.min.js' with { type: 'file' }
import cssPath from './static/ui.css' with { type: 'file' }
import jsPath from './static/ui.js' with { type: 'file' }
import mfaJsPath from './static/mfa.js' with { type: 'file' }
import type { AssetUrls } from '../../views/ui/layout.tsx'

const STATIC = '/api/auth/ui/static/'

interface Asset {
  readonly path: string
  readonly type: string
}

// The file names carry htmx's version: the shims in test/helpers/htmx-browser.ts are tied to it.
const ASSETS: Record<string, Asset> = {
  'htmx-2.0.11.min.js': { path: htmxPath, type: 'text/javascript; charset=utf-8' },
  'ui.js': { path: jsPath, type: 'text/javascript; charset=utf-8' },
  'ui.css': { path: cssPath, type: 'text/css; charset=utf-8' },
  'mfa.js': { path: mfaJsPath, type: 'text/javascript; charset=utf-8' },
}

export const assetUrls: AssetUrls = {
  css: `${STATIC}ui.css`,
  htmx: `${STATIC}htmx-2.0.11.min.js`,
  js: `${STATIC}ui.js`,
}

/** The MFA section's script (USE_MFA only). */
export const MFA_SCRIPT_URL = `${STATIC}mfa.js`

/** The response for a static file name, or null when there is no such file. */
export function assetResponse(name: string): Response | null {
  const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined
  if (!asset) return null
  return new Response(Bun.file(asset.path), {
    headers: {
      'content-type': asset.type,
      // Revalidated each time: a rebuilt binary must never run a stale ui.js against new pages.
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
    },
  })
}
