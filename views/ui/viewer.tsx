// The live response viewer: ui.js prepends one entry per API call (method, path, status, body).
/** @jsxImportSource @kitajs/html */ // explicit: `bun src/main.ts` run from another directory ignores tsconfig's JSX settings

export const ResponseViewer = () => (
  <section class="card" aria-labelledby="responses-title">
    <h2 id="responses-title">Responses</h2>
    <p id="responses-empty" class="empty">
      Each API call this page makes shows up here: method, path, status and body.
    </p>
    <ol id="responses" class="responses" aria-live="polite"></ol>
  </section>
)

/** Status class for colouring: 2xx, 4xx, ... */
export const statusClass = (status: number) => `s${String(status).charAt(0)}xx`
