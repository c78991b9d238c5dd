// The document's front matter: the introduction (written from this server's settings, so it tells the
// truth about cookies, CSRF and login methods) and the tag descriptions.
import type { Config } from '../config/settings.ts'
import { CSRF_COOKIE, CSRF_HEADER } from './security.ts'

type OverviewConfig = Pick<
  Config,
  | 'authType'
  | 'useAuthCookie'
  | 'authJwtCookieName'
  | 'authJwtRefreshCookieName'
  | 'authTokenCookieName'
  | 'accountLoginMethods'
  | 'accountEmailVerification'
  | 'accessTokenLifetime'
  | 'refreshTokenLifetime'
>

const code = (s: string) => `\`${s}\``

export function introduction(config: OverviewConfig): string {
  const jwt = config.authType === 'jwt'
  const lines = [
    'The HTTP API of this authkit server (DRF Auth Kit compatible). Bodies may be JSON, ' +
      '`application/x-www-form-urlencoded` or `multipart/form-data`; errors are JSON in DRF\'s shapes.',
    '',
    '## How this server is set up',
    '',
    jwt
      ? `- **AUTH_TYPE=jwt**: login/ answers an ${code('access_token')} (valid ${config.accessTokenLifetime} s) and a ` +
        `${code('refresh_token')} (valid ${config.refreshTokenLifetime} s); send the access token as ` +
        `${code('Authorization: Bearer <access_token>')} and renew it with token/refresh/.`
      : `- **AUTH_TYPE=token**: login/ answers a ${code('key')}; send it as ${code('Authorization: Token <key>')} ` +
        `(or ${code('Bearer <key>')}). There is no token/refresh/ or token/verify/ in this mode.`,
    config.useAuthCookie
      ? `- **USE_AUTH_COOKIE=true**: login/ also sets the tokens as HttpOnly cookies (${
          jwt
            ? `${code(config.authJwtCookieName)} and ${code(config.authJwtRefreshCookieName)}; the ${code('refresh_token')} in bodies is then ${code('""')}`
            : code(config.authTokenCookieName)
        }) and a script-readable ${code(CSRF_COOKIE)} cookie. A POST, PUT, PATCH or DELETE authenticated by a cookie ` +
        `must send ${code(`${CSRF_HEADER}: <${CSRF_COOKIE}>`)}; requests with an ${code('Authorization')} header are exempt.`
      : '- **USE_AUTH_COOKIE=false**: tokens travel in bodies and the `Authorization` header only; no cookies are set.',
    `- Login accepts ${config.accountLoginMethods.map(code).join(' or ')} with ${code('password')}; ` +
      `e-mail verification is ${code(config.accountEmailVerification)}.`,
    '',
    '## Trying it here',
    '',
    'Call login/ ("Try it out"), copy the token from the answer, press **Authorize** and paste it into ' +
      `${code('bearer')}; protected operations then send it. ${
        config.useAuthCookie ? `Cookies set by login/ work too: this page adds ${code(CSRF_HEADER)} by itself.` : ''
      }`,
  ]
  return lines.join('\n')
}

export const TAG_DOCS: Record<string, string> = {
  registration: 'Creating accounts and verifying their e-mail addresses.',
  login: 'Signing in.',
  logout: 'Signing out: the session behind the request is revoked.',
  token: 'Renewing and checking JWTs (AUTH_TYPE=jwt only).',
  user: 'The signed-in user\'s profile.',
  password: 'Changing a password, and resetting a forgotten one by e-mail.',
  csrf: 'The CSRF cookie for cookie-authenticated clients.',
  mfa: 'Multi-factor authentication.',
  social: 'Social login (OAuth2 / OpenID Connect).',
  passkeys: 'Passkeys (WebAuthn): registering them, and signing in with one.',
  accounts: 'Linked accounts.',
}
