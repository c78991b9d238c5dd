// Building blocks of the API forms: a labelled field, and a form that sends itself to a real API route
// through htmx (the answer goes to the response viewer, nothing is swapped into the page).
/** @jsxImportSource @kitajs/html */ // explicit: `bun src/main.ts` run from another directory ignores tsconfig's JSX settings
import { ui } from '../../src/i18n/translate.ts'
import type { PropsWithChildren } from '@kitajs/html'
import { Markdown } from './markdown.tsx'

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete'

export interface FieldProps {
  /** The form's id; with `name` it makes the input's id, so each label points at its input. */
  readonly form: string
  readonly name: string
  readonly label: string
  readonly type?: 'text' | 'email' | 'password' | 'checkbox' | 'number'
  readonly value?: string
  readonly autocomplete?: string
  readonly hint?: string
}

export const Field = ({ form, name, label, type = 'text', value, autocomplete, hint }: FieldProps) => {
  const id = `${form}-${name}`
  return (
    <div class="field">
      <label for={id} safe>
        {ui(label)}
      </label>
      <input
        id={id}
        name={name}
        type={type}
        value={value}
        autocomplete={autocomplete}
        aria-describedby={hint ? `${id}-hint` : undefined}
      />
      {hint ? (
        <small id={`${id}-hint`}>
          <Markdown text={hint} />
        </small>
      ) : null}
    </div>
  )
}

export interface ApiFormProps {
  readonly id: string
  readonly title: string
  readonly method: HttpMethod
  /** The API route, e.g. /api/auth/login/. */
  readonly path: string
  /** The submit button's text; without it the children bring their own buttons. */
  readonly submit?: string
  /** Leave blank fields out of the body (optional fields). */
  readonly omitEmpty?: boolean
  readonly hint?: string
  /** The hint is the API's own description: inline Markdown. */
  readonly hintMarkdown?: boolean
}

/** The route is shown under the title so a tester always sees which call a form makes. */
export const ApiForm = ({ id, title, method, path, submit, omitEmpty, hint, hintMarkdown, children }: PropsWithChildren<ApiFormProps>) => (
  <form
    id={id}
    class="api-form"
    aria-labelledby={`${id}-title`}
    hx-swap="none"
    data-omit-empty={omitEmpty === true}
    novalidate
    {...{ [`hx-${method}`]: path }}
  >
    <h3 id={`${id}-title`} safe>
      {ui(title)}
    </h3>
    <p class="route">
      <code safe>{`${method.toUpperCase()} ${path}`}</code>
    </p>
    {hint && hintMarkdown ? (
      <p class="hint">
        <Markdown text={hint} />
      </p>
    ) : hint ? (
      <p class="hint" safe>
        {hint}
      </p>
    ) : null}
    {children}
    {submit ? (
      <button type="submit" safe>
        {ui(submit)}
      </button>
    ) : null}
  </form>
)
