// The links e-mails carry: to the frontend when FRONTEND_BASE_URL is set, else to authkit's own pages.

export interface LinkSettings {
  readonly publicUrl: string | null
  readonly frontendBaseUrl: string | null
  readonly registerEmailConfirmPath: string | null
  readonly passwordResetConfirmPath: string | null
  readonly loginLinkPath: string | null
}

/** authkit's pages that finish a flow when no frontend is configured (served by pages.routes.ts). */
export const PAGE_PATHS = { verifyEmail: '/verify-email', resetPassword: '/reset-password', loginLink: '/sign-in-link' } as const

/** DRF Auth Kit's defaults when a frontend is set without a path: the API routes' own paths. */
const API_PATHS = {
  verifyEmail: '/api/auth/registration/verify-email',
  resetPassword: '/api/auth/password/reset/confirm',
  loginLink: '/api/auth/login/email-link/verify',
}

/** PUBLIC_URL, or else the origin the request came to. */
export const siteBase = (s: LinkSettings, requestUrl: string) => s.publicUrl ?? new URL(requestUrl).origin

function join(base: string, path: string, query: Record<string, string>): string {
  const sep = path.startsWith('/') ? '' : '/'
  return `${base.replace(/\/+$/, '')}${sep}${path}?${new URLSearchParams(query)}`
}

export function verifyEmailLink(s: LinkSettings, requestUrl: string, key: string): string {
  if (s.frontendBaseUrl) return join(s.frontendBaseUrl, s.registerEmailConfirmPath ?? API_PATHS.verifyEmail, { key })
  return join(siteBase(s, requestUrl), PAGE_PATHS.verifyEmail, { key })
}

export function passwordResetLink(s: LinkSettings, requestUrl: string, uid: string, token: string): string {
  if (s.frontendBaseUrl) return join(s.frontendBaseUrl, s.passwordResetConfirmPath ?? API_PATHS.resetPassword, { uid, token })
  return join(siteBase(s, requestUrl), PAGE_PATHS.resetPassword, { uid, token })
}

export function loginLinkUrl(s: LinkSettings, requestUrl: string, token: string): string {
  if (s.frontendBaseUrl) return join(s.frontendBaseUrl, s.loginLinkPath ?? API_PATHS.loginLink, { token })
  return join(siteBase(s, requestUrl), PAGE_PATHS.loginLink, { token })
}
