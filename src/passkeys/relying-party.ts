// Who passkeys are for (the WebAuthn relying party): its ID, name and the origins a ceremony may come from.
import type { Config } from '../config/settings.ts'

export interface RelyingParty {
  readonly id: string
  readonly name: string
  readonly origins: readonly string[]
}

/**
 * WEBAUTHN_RP_ID / WEBAUTHN_ORIGINS when set, else PUBLIC_URL's host and origin, else the request's own
 * (its Host already passed ALLOWED_HOSTS, and the browser writes the page's real origin into the signed
 * client data, so a phishing page relaying the request still fails the origin check).
 */
export function relyingParty(
  config: Pick<Config, 'webauthnRpId' | 'webauthnRpName' | 'webauthnOrigins' | 'publicUrl' | 'siteName'>,
  requestUrl: string,
): RelyingParty {
  const base = new URL(config.publicUrl ?? requestUrl)
  return {
    id: config.webauthnRpId ?? base.hostname,
    name: config.webauthnRpName ?? config.siteName,
    origins: config.webauthnOrigins.length > 0 ? config.webauthnOrigins : [base.origin],
  }
}
