// The MFA service of one app, built once per Deps (like authServices) so the login routes, the sign-in
// decision and the mfa/ routes share it.
import { type Mfa, type MfaDeps, createMfa } from './mfa.ts'

const built = new WeakMap<object, Mfa>()

export function mfaService(deps: MfaDeps): Mfa {
  let s = built.get(deps)
  if (!s) built.set(deps, (s = createMfa(deps)))
  return s
}
