// A point in time as people read it: "2026-12-03 10:47 UTC" from the server, turned into the reader's
// local time by ui.js; the exact ISO 8601 value stays in datetime and in the tooltip.
/** @jsxImportSource @kitajs/html */ // explicit: `bun src/main.ts` run from another directory ignores tsconfig's JSX settings

/** "2026-12-03T10:47:30.123Z" -> "2026-12-03 10:47 UTC"; anything else unchanged. */
export function readableUtc(iso: string): string {
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d)(?::\d\d(?:\.\d+)?)?Z$/.exec(iso)
  return m ? `${m[1]} ${m[2]} UTC` : iso
}

export const Time = ({ iso }: { readonly iso: string }) => (
  <time class="local" datetime={iso} title={iso} safe>
    {readableUtc(iso)}
  </time>
)
