// HTML responses of the testing UI, with a Content-Security-Policy that keeps every request on this origin.

// Inline styles are allowed because mails rendered in the sandboxed iframe (which inherits this policy)
// commonly carry style attributes; scripts, images, frames and fetches may come from this origin only.
export const UI_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "object-src 'none'",
  "frame-ancestors 'self'",
].join('; ')

// A mail's HTML body, served for the mailbox's iframe: sandboxed even when opened directly (no scripts,
// opaque origin), nothing loaded from anywhere, links allowed to open a new tab.
export const MAIL_CSP = [
  'sandbox allow-popups allow-popups-to-escape-sandbox',
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  'img-src data:',
  "form-action 'none'",
  "base-uri 'none'",
  "frame-ancestors 'self'",
].join('; ')

export function mailHtmlResponse(html: string): Response {
  return new Response(html, {
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': MAIL_CSP,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    },
  })
}

/** A full page (`<html>...`) gets a doctype; fragments for htmx go out as they are. */
export async function htmlResponse(rendered: string | Promise<string>, status = 200): Promise<Response> {
  const html = await rendered
  const body = html.startsWith('<html') ? `<!doctype html>${html}` : html
  return new Response(body, {
    status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': UI_CSP,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'same-origin',
      // Browsable routes answer a browser with HTML and an API client with JSON.
      vary: 'Accept, Cookie, Authorization',
    },
  })
}
