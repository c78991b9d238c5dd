// The inline Markdown of the API's descriptions (`code`, **strong**, [links](/path)) as HTML, every
// character of the text escaped first, so a description can add no markup of its own.
/** @jsxImportSource @kitajs/html */ // explicit: `bun src/main.ts` run from another directory ignores tsconfig's JSX settings
import { escapeHtml as escape } from '@kitajs/html'

/** Links only to http(s) or to a path on this server: never javascript: or data:. */
const safeHref = (href: string) => /^(https?:\/\/|\/(?!\/))/.test(href)

export function inlineMarkdown(text: string): string {
  // Code spans first, so ** or [] inside them stay literal.
  return text
    .split(/(`[^`\n]+`)/)
    .map((part) => {
      if (part.length > 2 && part.startsWith('`') && part.endsWith('`')) return `<code>${escape(part.slice(1, -1))}</code>`
      return escape(part)
        .replace(/\*\*([^*\n]+)\*\*/g, '<strong>$1</strong>')
        .replace(/\[([^\]\n]+)\]\(([^)\s]+)\)/g, (whole, label: string, href: string) =>
          safeHref(href.replace(/&amp;/g, '&')) ? `<a href="${href}">${label}</a>` : whole,
        )
    })
    .join('')
}

/** Renders `text` as inline Markdown (already escaped by inlineMarkdown). */
export const Markdown = ({ text }: { readonly text: string }) => inlineMarkdown(text)
