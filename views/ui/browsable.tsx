// The browsable API page: a GET to an API route from a browser shows the route's JSON answer
// pretty-printed and, for each of its other methods, a form built from the route's body schema.
/** @jsxImportSource @kitajs/html */ // explicit: `bun src/main.ts` run from another directory ignores tsconfig's JSX settings
import { ApiForm, Field, type FieldProps, type HttpMethod } from './form.tsx'
import { type AssetUrls, Layout } from './layout.tsx'
import { Markdown } from './markdown.tsx'
import { Header } from './page.tsx'
import type { StatusProps } from './status.tsx'
import { ResponseViewer, statusClass } from './viewer.tsx'

export interface BrowsableField {
  readonly name: string
  readonly type: NonNullable<FieldProps['type']>
  readonly required: boolean
  readonly description?: string
  readonly maxLength?: number
}

export interface BrowsableOperation {
  readonly method: HttpMethod
  readonly summary: string
  readonly description: string
  readonly operationId: string
  readonly fields: readonly BrowsableField[]
}

export interface BrowsableProps {
  readonly siteName: string
  readonly assets: AssetUrls
  readonly status: StatusProps
  readonly path: string
  /** The route's own answer to this GET, as an API client gets it. */
  readonly answer: { readonly status: number; readonly body: string }
  readonly allow: readonly string[]
  readonly get?: { readonly summary: string; readonly description: string }
  readonly operations: readonly BrowsableOperation[]
  /** Every API path, to browse on. */
  readonly paths: readonly string[]
}

const fieldHint = (f: BrowsableField) =>
  [f.required ? 'required' : 'optional', f.maxLength === undefined ? '' : `at most ${f.maxLength} characters`, f.description]
    .filter(Boolean)
    .join(' · ')

export const BrowsablePage = (p: BrowsableProps) => (
  <Layout title={`${p.path} · ${p.siteName} API`} assets={p.assets} headerAuth={!p.status.cookieAuth}>
    <Header siteName={p.siteName} status={p.status} />
    <div class="layout">
      <main id="main">
        <section class="card" aria-labelledby="route-title">
          <h2 id="route-title">
            <code safe>{p.path}</code>
          </h2>
          {p.get ? (
            <p safe>
              {p.get.summary}
            </p>
          ) : null}
          {p.get?.description ? (
            <p class="hint">
              <Markdown text={p.get.description} />
            </p>
          ) : null}
          <p class="route">
            Allow: <span safe>{p.allow.join(', ')}</span> · <a href="/api/auth/ui/">Back to the testing UI</a>
          </p>
          <div class={`resp ${statusClass(p.answer.status)}`}>
            <div class="resp-head">
              <span class="method">GET</span>
              <code class="path" safe>
                {p.path}
              </code>
              <span class="status" safe>
                {String(p.answer.status)}
              </span>
            </div>
            <pre class="json" id="answer" safe>
              {p.answer.body}
            </pre>
          </div>
        </section>
        {p.operations.map((op) => {
          const id = `op-${op.method}`
          return (
            <section class="card" aria-labelledby={`${id}-title`}>
              <ApiForm
                id={id}
                title={`${op.method.toUpperCase()}: ${op.summary || op.operationId}`}
                method={op.method}
                path={p.path}
                submit={`Send ${op.method.toUpperCase()}`}
                omitEmpty
                hint={op.description}
                hintMarkdown
              >
                {op.fields.length === 0 && <p class="hint">No body fields.</p>}
                {op.fields.map((f) => (
                  <Field form={id} name={f.name} label={f.name} type={f.type} hint={fieldHint(f)} />
                ))}
              </ApiForm>
            </section>
          )
        })}
      </main>
      <aside class="side" aria-label="Responses and routes">
        <ResponseViewer />
        <nav class="card" aria-labelledby="routes-title">
          <h2 id="routes-title">API routes</h2>
          <ul class="routes">
            {p.paths.map((path) => (
              <li>
                <a href={path} aria-current={path === p.path ? 'page' : undefined}>
                  <code safe>{path}</code>
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </aside>
    </div>
  </Layout>
)
