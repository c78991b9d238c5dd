// Request and response bodies of the passkey routes (the OpenAPI document is generated from them).
import { requiredString, z } from '../http/fields.ts'

/** A PublicKeyCredential as JSON (what @simplewebauthn/browser's startRegistration/startAuthentication answer). */
const credential = (id: string) =>
  z
    .object({
      id: requiredString(1024),
      rawId: requiredString(1024),
      type: z.literal('public-key'),
      response: z.looseObject({ clientDataJSON: requiredString(16384) }),
      clientExtensionResults: z.looseObject({}).optional().default({}),
      authenticatorAttachment: z.string().max(64).optional(),
    })
    .loose()
    .meta({ id, description: 'The credential the browser answered, as JSON (base64url fields).' })

const name = () => z.string().trim().max(64).optional().default('')

export const PasskeyRegisterBody = z.object({ credential: credential('RegistrationCredential'), name: name() }).meta({ id: 'PasskeyRegister' })
export const PasskeyRenameBody = z.object({ name: requiredString(64) }).meta({ id: 'PasskeyRename' })
export const PasskeyLoginBody = z
  .object({ credential: credential('AuthenticationCredential'), challenge_token: requiredString(256) })
  .meta({ id: 'PasskeyLogin' })

export const Passkey = z
  .object({ id: z.number(), name: z.string(), created_at: z.string(), last_used_at: z.string().nullable() })
  .meta({ id: 'Passkey' })

export const CreationOptions = z
  .looseObject({ challenge: z.string(), rp: z.looseObject({}), user: z.looseObject({}), pubKeyCredParams: z.array(z.looseObject({})) })
  .meta({ id: 'PasskeyCreationOptions', description: 'PublicKeyCredentialCreationOptions as JSON: hand it to navigator.credentials.create().' })

export const RequestOptions = z
  .looseObject({ challenge: z.string(), rpId: z.string(), challenge_token: z.string() })
  .meta({
    id: 'PasskeyRequestOptions',
    description: 'PublicKeyCredentialRequestOptions as JSON for navigator.credentials.get(), and `challenge_token` to send back with the answer.',
  })
