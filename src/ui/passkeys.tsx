// The testing UI's passwordless page (passkeys and sign-in links, when enabled) with its scripts, mounted by
// plugin.tsx. Like the rest of the UI it asks the API who is signed in and what passkeys they have.
/** @jsxImportSource @kitajs/html */ // explicit: `bun src/main.ts` run from another directory ignores tsconfig's JSX settings
// By path: the package's `exports` map does not list its browser bundle.
import webauthnPath from '../../node_modules/@simplewebauthn/browser/dist/bundle/index.umd.min.js' with { type: 'file' }
import { type AnyElysia, Elysia } from 'elysia'
import { z } from 'zod'
import { type PasskeyItem, PasskeyList, PasswordlessPage } from '../../views/passkeys/passwordless.tsx'
import type { Deps } from '../deps.ts'
import { notFound } from '../lib/errors.ts'
import { assetUrls } from './assets.ts'
import { htmlResponse } from './respond.ts'
import { credentialHeaders, currentUser } from './session.ts'
import passkeysJsPath from './static/passkeys.js' with { type: 'file' }

const STATIC = '/api/auth/ui/passwordless/static/'
// The bundle's name carries its version, as htmx's does.
const SCRIPTS: Record<string, string> = { 'simplewebauthn-browser-14.0.0.umd.min.js': webauthnPath, 'passkeys.js': passkeysJsPath }
const hidden = { detail: { hide: true } }

const PasskeyAnswer = z.array(z.object({ id: z.number(), name: z.string(), created_at: z.string(), last_used_at: z.string().nullable() }))

export function passwordlessUi(deps: Deps, root: AnyElysia) {
  const { config } = deps
  const list = async (request: Request): Promise<PasskeyItem[] | null> => {
    if (!config.usePasskeys) return null
    const res = await root.handle(new Request(new URL('/api/auth/passkeys/', request.url), { headers: credentialHeaders(request) }))
    if (res.status !== 200) return null
    const parsed = PasskeyAnswer.safeParse(await res.json().catch(() => null))
    return parsed.success ? parsed.data : null
  }

  return new Elysia({ name: 'ui-passwordless', prefix: '/api/auth/ui/passwordless' })
    .get(
      '/',
      async ({ request }) =>
        htmlResponse(
          <PasswordlessPage
            siteName={config.siteName}
            assets={assetUrls}
            scripts={Object.keys(SCRIPTS).map((name) => STATIC + name)}
            status={{ user: await currentUser(root, request), authType: config.authType, cookieAuth: config.useAuthCookie }}
            passkeys={config.usePasskeys}
            emailLinks={config.useEmailLinkLogin}
            list={await list(request)}
          />,
        ),
      hidden,
    )
    .get('/list/', async ({ request }) => htmlResponse(<PasskeyList list={await list(request)} />), hidden)
    .get(
      '/static/:file',
      ({ params }) => {
        const path = Object.hasOwn(SCRIPTS, params.file) ? SCRIPTS[params.file] : undefined
        if (!path) throw notFound()
        return new Response(Bun.file(path), {
          headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' },
        })
      },
      hidden,
    )
}
