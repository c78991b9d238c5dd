// The audit log's one entry point: `record(tx, event)` writes a security event in the caller's transaction.
import type { Db } from '../db/engine.ts'
import { createAuditRepo } from './audit.repo.ts'

/**
 * Every event the log knows. Features add theirs here (one union, so `audit list` and the README stay
 * the single list).
 */
export type AuditEventName =
  | 'login_ok'
  | 'login_failed'
  | 'login_throttled'
  | 'logout'
  | 'refresh_reuse_detected'
  | 'password_changed'
  | 'password_reset'
  | 'email_changed'
  | 'admin_action'
  | 'mfa_enabled'
  | 'mfa_disabled'
  | 'mfa_backup_codes_regenerated'
  | 'mfa_failed'
  | 'social_connected'
  | 'social_disconnected'
  | 'passkey_added'
  | 'passkey_removed'
  | 'login_link_used'

/** A detail value: small and flat. Never a password, token, key or code (see `safeDetail`). */
export type AuditDetail = Record<string, string | number | boolean | null>

export interface AuditEvent {
  readonly event: AuditEventName
  readonly at: number
  readonly userId?: number | null
  readonly sessionId?: string | null
  readonly ip?: string
  readonly userAgent?: string
  readonly detail?: AuditDetail
}

/** Names a detail must never carry: whatever a caller passes, these are dropped before the write. */
const SECRET_NAME = /pass|secret|token|key|code|otp|hash|jwt|cookie|credential/i
const DETAIL_MAX = 1024

/** The JSON stored for `detail`: secret-looking names dropped, strings bounded, the whole capped. */
export function safeDetail(detail: AuditDetail | undefined): string {
  const out: AuditDetail = {}
  for (const [name, value] of Object.entries(detail ?? {})) {
    if (SECRET_NAME.test(name)) continue
    out[name] = typeof value === 'string' ? value.slice(0, 200) : value
  }
  const json = JSON.stringify(out)
  return json.length <= DETAIL_MAX ? json : '{"truncated":true}'
}

/** Writes `e` with `db` — pass the `tx` of the transaction that makes the change it records. */
export async function record(db: Db, e: AuditEvent): Promise<void> {
  await createAuditRepo(db).insert({
    at: e.at,
    event: e.event,
    userId: e.userId ?? null,
    sessionId: e.sessionId ?? null,
    // Bounded like the session's copies: shown back, never trusted.
    ip: (e.ip ?? '').slice(0, 64),
    userAgent: (e.userAgent ?? '').slice(0, 512),
    detail: safeDetail(e.detail),
  })
}

export const audit = { record }
