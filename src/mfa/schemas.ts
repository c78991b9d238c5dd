// Request and response schemas of the MFA routes (validation and the OpenAPI document).
import { optionalString, requiredString, z } from '../http/fields.ts'

const token = () => requiredString(128).describe('The `ephemeral_token` of the first login step (or of change-method/resend).')
const code = () => requiredString(80).describe('A code of the method (6 digits), or one of its backup codes where accepted.')

/** The methods' names as a choice: anything else is "Not a valid choice.". */
export const methodName = (names: readonly string[]) => z.enum(names as [string, ...string[]]).describe(`One of: ${names.join(', ')}.`)

export const verifyBody = () => z.object({ ephemeral_token: token(), code: code() }).meta({ id: 'MFASecondStepRequest' })
export const changeMethodBody = (names: readonly string[]) =>
  z.object({ ephemeral_token: token(), new_method: methodName(names) }).meta({ id: 'MFAChangeMethodRequest' })
export const resendBody = () => z.object({ ephemeral_token: token() }).meta({ id: 'MFAResendRequest' })

export const methodBody = (names: readonly string[], id: string) => z.object({ method: methodName(names) }).meta({ id })
export const methodCodeBody = (names: readonly string[], id: string) =>
  z.object({ method: methodName(names), code: code() }).meta({ id })
export const primaryBody = (names: readonly string[], codeRequired: boolean) =>
  z
    .object({
      method: methodName(names),
      primary_code: (codeRequired ? requiredString(80) : optionalString(80)).describe(
        'A code of the current primary method (or one of its backup codes); required with MFA_UPDATE_PRIMARY_METHOD_REQUIRED_PRIMARY_CODE.',
      ),
    })
    .meta({ id: 'MFAMethodPrimaryUpdateRequest' })
export const deleteBody = (names: readonly string[]) =>
  z
    .object({
      method: methodName(names),
      code: optionalString(80).describe(
        'With MFA_DELETE_ACTIVE_METHOD_REQUIRE_CODE (default), required for an active method: a code of it or one of its backup codes.',
      ),
    })
    .meta({ id: 'MFAMethodDeleteRequest' })

export const ChangeMethodResponse = z
  .object({ ephemeral_token: z.string(), new_method: z.string() })
  .meta({ id: 'MFAChangeMethodResponse' })
export const ResendResponse = z.object({ ephemeral_token: z.string() }).meta({ id: 'MFAResendResponse' })

export const MethodList = z
  .array(
    z
      .object({
        name: z.string(),
        is_primary: z.boolean(),
        is_active: z.boolean(),
        is_setup: z.boolean(),
        backup_codes_remaining: z.number().int().describe('Unused backup codes of this method.'),
      })
      .meta({ id: 'MFAMethodConfig' }),
  )
  .meta({ id: 'MFAMethodList' })

export const CreateResponse = z
  .object({
    method: z.string(),
    backup_codes: z.array(z.string()).describe('Shown this once; only keyed hashes are stored.'),
    setup_data: z
      .record(z.string(), z.string())
      .describe('`app`: `qr_link` (the otpauth:// URI) and `qr_svg` (it as an SVG QR code); `email`: `detail`.'),
  })
  .meta({ id: 'MFAMethodCreateResponse' })

export const BackupCodesResponse = z
  .object({ backup_codes: z.array(z.string()).describe('The new set, shown this once; the old set no longer works.') })
  .meta({ id: 'MFABackupCodesResponse' })

// Any value: Elysia checks the (empty) 204 body against it, and the document shows no body for 204 anyway.
export const NoContent = z.unknown().describe('No Content')
