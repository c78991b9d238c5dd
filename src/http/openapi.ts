// Route documentation in one shape: every route passes `...op({...})` so the OpenAPI document
// (issue 5 owns how it is rendered) gets DRF Auth Kit's operation ids, tags, summaries and responses.
import { z } from 'zod'

export const ErrorDetail = z
  .object({ detail: z.string(), code: z.string() })
  .meta({ id: 'ErrorDetail', description: 'Any error that is not a field validation error.' })

export const ValidationErrors = z
  .record(z.string(), z.array(z.string()))
  .meta({ id: 'ValidationError', description: 'Field errors: `{"field": ["message", ...]}`; object-level ones under `non_field_errors`.' })

export const Detail = z.object({ detail: z.string() }).meta({ id: 'Detail' })

export type Tag = 'login' | 'logout' | 'password' | 'registration' | 'token' | 'user' | 'mfa' | 'accounts' | 'social' | 'csrf'

export interface OpSpec {
  /** DRF Auth Kit style: `login_create`, `user_partial_update`, ... */
  operationId: string
  tags: Tag[]
  summary: string
  description: string
  /** Needs credentials (bearer, token, or auth cookie with CSRF). */
  authenticated?: boolean
  /** Success responses by status. */
  responses: Record<number, z.ZodType>
}

/** The route options that document a route: `{ detail, response }`. */
export function op(spec: OpSpec) {
  return {
    detail: {
      operationId: spec.operationId,
      tags: spec.tags,
      summary: spec.summary,
      description: spec.description,
      ...(spec.authenticated ? { security: [{ bearer: [] }, { token: [] }, { cookie: [], csrf: [] }] } : { security: [] }),
    },
    response: spec.responses,
  }
}
