// A feature's part of the testing UI (social login; later MFA, passkeys): a section of the main page and its own routes.
import type { AnyElysia } from 'elysia'

export interface UiFeature {
  /** The section's HTML for this request ('' to show nothing, e.g. the feature is off). */
  section(request: Request): Promise<string>
  /** Its routes under /api/auth/ui/ (fragments the section refreshes itself from). */
  routes: AnyElysia
}
