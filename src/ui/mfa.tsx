// The testing UI's MFA part (USE_MFA): the section on the main page and the fragment that lists one's
// methods, read the way any client reads them (GET mfa/ through the app, with the browser's credentials).
/** @jsxImportSource @kitajs/html */ // explicit: `bun src/main.ts` run from another directory ignores tsconfig's JSX settings
import type { UiFeature } from './feature.ts'
import { type AnyElysia, Elysia } from 'elysia'
import { z } from 'zod'
import { type MethodState, MfaMethods, MfaSection } from '../../views/mfa/section.tsx'
import type { Deps } from '../deps.ts'
import type { WithMfa } from '../mfa/mfa.ts'
import { MFA_SCRIPT_URL } from './assets.ts'
import { htmlResponse } from './respond.ts'
import { credentialHeaders } from './session.ts'

const MethodsAnswer = z.array(
  z.object({ name: z.string(), is_primary: z.boolean(), is_active: z.boolean(), is_setup: z.boolean(), backup_codes_remaining: z.number() }),
)

async function methodsOf(root: AnyElysia, request: Request): Promise<MethodState[] | null> {
  const res = await root.handle(new Request(new URL('/api/auth/mfa/', request.url), { headers: credentialHeaders(request) }))
  if (res.status !== 200) return null
  const parsed = MethodsAnswer.safeParse(await res.json().catch(() => null))
  return parsed.success ? parsed.data : null
}

/** The MFA section of the main page (rendered HTML), or '' without USE_MFA. */
export async function mfaSection(deps: Deps & WithMfa, root: AnyElysia, request: Request): Promise<string> {
  if (!deps.config.useMfa) return ''
  return MfaSection({ names: deps.mfa.names, methods: await methodsOf(root, request), scriptUrl: MFA_SCRIPT_URL })
}

/** GET /api/auth/ui/mfa/methods/: the methods table, re-rendered after each API call. */
export const mfaUiRoutes = (deps: Deps, root: AnyElysia) => {
  const plugin = new Elysia({ prefix: '/api/auth/ui' })
  if (!deps.config.useMfa) return plugin
  return plugin.get('/mfa/methods/', async ({ request }) => htmlResponse(<MfaMethods methods={await methodsOf(root, request)} />), {
    detail: { hide: true },
  })
}

/** The MFA part of the testing UI, as one of its feature sections. */
export const mfaUi = (deps: Deps & WithMfa, root: AnyElysia): UiFeature => ({
  section: (request) => mfaSection(deps, root, request),
  routes: mfaUiRoutes(deps, root),
})
