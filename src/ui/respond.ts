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
