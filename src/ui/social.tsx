// The testing UI's social login panel (views/social/): its section of the main page and its refresh route.
/** @jsxImportSource @kitajs/html */ // explicit: `bun src/main.ts` run from another directory ignores tsconfig's JSX settings
import { type AnyElysia, Elysia } from 'elysia'
import type { Deps } from '../deps.ts'
import { SocialPanel } from '../../views/social/social.tsx'
import type { UiFeature } from './feature.ts'
import { htmlResponse } from './respond.ts'
import { credentialHeaders } from './session.ts'

export function socialUi(deps: Deps, root: AnyElysia): UiFeature {
  const providers = deps.config.socialProviders.map((p) => ({ slug: p.slug, name: p.name }))
  /** Asked the way any client asks: GET social/accounts/ with the browser's own credentials (401: signed out). */
  async function panel(request: Request) {
    const res = await root.handle(new Request(new URL('/api/auth/social/accounts/', request.url), { headers: credentialHeaders(request) }))
    const accounts = res.status === 200 ? ((await res.json()) as { id: number; provider: string; uid: string }[]) : []
    return <SocialPanel providers={providers} signedIn={res.status === 200} accounts={accounts} />
  }
  return {
    section: async (request) => (providers.length === 0 ? '' : panel(request)),
    routes: new Elysia({ name: 'ui-social', prefix: '/api/auth/ui' }).get('/social/', async ({ request }) => htmlResponse(await panel(request)), {
      detail: { hide: true },
    }),
  }
}
