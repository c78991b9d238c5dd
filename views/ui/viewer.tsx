// The live response viewer: ui.js prepends one entry per API call (method, path, status, body).
/** @jsxImportSource @kitajs/html */ // explicit: `bun src/main.ts` run from another directory ignores tsconfig's JSX settings
import { ui } from '../../src/i18n/translate.ts'

export const ResponseViewer = () => (
  // <details>: on a small screen the panel folds to one bar (ui.js starts it folded there) that still
  // names the last call.
  <details id="viewer" class="card viewer" open>
    <summary>
      <h2 id="responses-title">{ui('Responses')}</h2>
      <span id="responses-last" class="last" aria-live="polite"></span>
    </summary>
    <p id="responses-empty" class="empty">
      Each API call this page makes shows up here: method, path, status and body.
    </p>
    <ol id="responses" class="responses" aria-live="polite"></ol>
  </details>
)

/** Status class for colouring: 2xx, 4xx, ... */
export const statusClass = (status: number) => `s${String(status).charAt(0)}xx`
