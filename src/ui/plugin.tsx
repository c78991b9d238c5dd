// The testing UI (API.md §7) and the browsable API, mounted only when DEBUG is on (404 otherwise).
// Pages read state the way any client would (GET user/ through the app); forms call the real API.
/** @jsxImportSource @kitajs/html */ // explicit: `bun src/main.ts` run from another directory ignores tsconfig's JSX settings
import { type AnyElysia, Elysia } from 'elysia'
import type { Deps } from '../deps.ts'
import type { WithMfa } from '../mfa/mfa.ts'
import { routeMethods } from '../http/routes.ts'
import { requestLang } from '../i18n/negotiate.ts'
import { renderIn } from '../i18n/translate.ts'
import { notFound } from '../lib/errors.ts'
import { createOutboxRepo, outboxMessage } from '../mail/outbox.repo.ts'
import { BrowsablePage } from '../../views/ui/browsable.tsx'
import { MailList, MailNotFound, MailView } from '../../views/ui/mailbox.tsx'
import { UiPage } from '../../views/ui/page.tsx'
import { Profile } from '../../views/ui/profile.tsx'
import { Status, type StatusProps } from '../../views/ui/status.tsx'
import { assetResponse, assetUrls } from './assets.ts'
import { apiPaths, detailOf, operationsOf, prefersHtml, prettyJson, routesFor } from './browsable.ts'
import { type Origins, describeLink, findLinks, linksInNewTab } from './mail-links.ts'
import { passwordlessUi } from './passkeys.tsx'
import { htmlResponse, mailHtmlResponse } from './respond.ts'
import { credentialHeaders, currentUser } from './session.ts'
import type { UiFeature } from './feature.ts'
import { socialUi } from './social.tsx'
import { mfaUi } from './mfa.tsx'

const MAILBOX_SIZE = 50
const hidden = { detail: { hide: true } }

/** Feature sections of the main page, in page order: one line per feature. */
const uiFeatures = (deps: Deps & WithMfa, root: AnyElysia): UiFeature[] => [
  mfaUi(deps, root),
  socialUi(deps, root),
]

function uiRoutes(deps: Deps, root: AnyElysia, features: readonly UiFeature[]) {
  const { config } = deps
  const outbox = createOutboxRepo(deps.db)
  const loginMethods = config.accountLoginMethods
  const status = async (request: Request): Promise<StatusProps> => ({
    user: await currentUser(root, request),
    authType: config.authType,
    cookieAuth: config.useAuthCookie,
  })
  const mails = async () => (await outbox.list(MAILBOX_SIZE)).map(outboxMessage)
  const mailById = async (id: string) => (/^\d{1,15}$/.test(id) ? await outbox.byId(Number(id)) : null)
  const origins = (request: Request): Origins => ({
    local: [new URL(request.url).origin, ...(config.publicUrl ? [new URL(config.publicUrl).origin] : [])],
    frontend: config.frontendBaseUrl ? new URL(config.frontendBaseUrl).origin : null,
  })


  const ui = new Elysia({ name: 'ui', prefix: '/api/auth/ui' })
    .onRequest(async ({ request }) => {
      // The browsable API: a browser opening an API route gets the route's answer as a page.
      if (!prefersHtml(request)) return
      const path = new URL(request.url).pathname
      const matched = routesFor(root.routes, path)
      if (matched.length === 0) return
      const answer = await root.handle(new Request(request.url, { headers: credentialHeaders(request) }))
      const body = prettyJson(await answer.text())
      const get = matched.find((r) => r.method === 'GET')
      const getDetail = get ? detailOf(get) : undefined
      const page = await htmlResponse(
        <BrowsablePage
          siteName={config.siteName}
          assets={assetUrls}
          status={await status(request)}
          path={path}
          answer={{ status: answer.status, body }}
          allow={routeMethods(root.routes, path)}
          get={getDetail ? { summary: getDetail.summary ?? '', description: getDetail.description ?? '' } : undefined}
          operations={operationsOf(matched)}
          paths={apiPaths(root.routes)}
        />,
        answer.status,
      )
      // The route's cookies too (GET csrf/ sets one), so the page does what the API call did.
      for (const cookie of answer.headers.getSetCookie()) page.headers.append('set-cookie', cookie)
      return page
    })
    .get(
      '/',
      async ({ request }) => {
        const props = { status: await status(request), mails: await mails(), sections: await Promise.all(features.map((f) => f.section(request))) }
        // Labels in the browser's language (Accept-Language); the page renders synchronously inside renderIn.
        return htmlResponse(
          renderIn(requestLang(request, config.languageCode), () => (
            <UiPage
              siteName={config.siteName}
              assets={assetUrls}
              status={props.status}
              loginMethods={loginMethods}
              oldPasswordField={config.oldPasswordFieldEnabled}
              mails={props.mails}
              sections={props.sections}
            />
          )),
        )
      },
      hidden,
    )
    .get('/status/', async ({ request }) => htmlResponse(<Status {...await status(request)} />), hidden)
    .get(
      '/profile/',
      async ({ request }) => {
        const user = await currentUser(root, request)
        return htmlResponse(renderIn(requestLang(request, config.languageCode), () => <Profile user={user} />))
      },
      hidden,
    )
    .get('/mailbox/', async () => htmlResponse(<MailList mails={await mails()} />), hidden)
    .get(
      '/mailbox/:id/',
      async ({ params, request }) => {
        const row = await mailById(params.id)
        if (!row) return htmlResponse(<MailNotFound id={params.id} />, 404)
        const message = outboxMessage(row)
        const mail = { ...message, htmlUrl: message.html === null ? null : `/api/auth/ui/mailbox/${row.id}/html` }
        const links = findLinks(mail.text).map((href) => describeLink(href, origins(request)))
        return htmlResponse(<MailView mail={mail} links={links} />)
      },
      hidden,
    )
    .get(
      '/mailbox/:id/html',
      async ({ params }) => {
        const row = await mailById(params.id)
        if (!row?.html_body) throw notFound()
        return mailHtmlResponse(linksInNewTab(row.html_body))
      },
      hidden,
    )
    .get(
      '/static/:file',
      ({ params }) => {
        const res = assetResponse(params.file)
        if (!res) throw notFound()
        return res
      },
      hidden,
    )
  return ui
}

/**
 * `.use(uiPlugin(deps))` in createApp. A function plugin, because the UI needs the finished root app:
 * its route table (for the browsable API) and its `handle` (to ask the API who is logged in).
 */
export function uiPlugin(deps: Deps & WithMfa) {
  return <const A extends AnyElysia>(root: A): A => {
    if (!deps.config.debug) return root
    const features = uiFeatures(deps, root)
    root.use(uiRoutes(deps, root, features))
    // Each feature's routes carry their own /api/auth/ui prefix: mounted on the root, not inside `ui`.
    for (const f of features) root.use(f.routes)
    root.use(passwordlessUi(deps, root))
    return root
  }
}
