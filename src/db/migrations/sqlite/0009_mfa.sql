-- MFA (API.md §8.1): each user's methods (TOTP app, e-mailed codes), their backup codes, and the
-- ephemeral tokens of the second login step. Times are unix ms.

-- One row per method a user has set up; `name` is a registered method (app, email, ...).
-- `secret`: the TOTP secret, AES-256-GCM encrypted (key derived from SECRET_KEY), or '' when the method
-- has none. `last_step`: the TOTP time step of the last accepted code, so no code is accepted twice.
-- `code_hash`/`code_expires_at`: the one e-mailed code currently valid (keyed hash), cleared when used.
CREATE TABLE mfa_methods (
  id              INTEGER PRIMARY KEY,
  user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name            TEXT    NOT NULL,
  secret          TEXT    NOT NULL DEFAULT '',
  is_active       INTEGER NOT NULL DEFAULT 0,
  is_primary      INTEGER NOT NULL DEFAULT 0,
  last_step       INTEGER,
  code_hash       TEXT,
  code_expires_at INTEGER,
  created_at      INTEGER NOT NULL,
  UNIQUE (user_id, name),
  CHECK (is_primary = 0 OR is_active = 1)
) STRICT;

-- At most one primary method per user.
CREATE UNIQUE INDEX mfa_methods_primary ON mfa_methods (user_id) WHERE is_primary = 1;

-- Backup codes of a method, only as keyed hashes (HMAC-SHA256, key derived from SECRET_KEY); a used
-- code's row is deleted, regeneration deletes them all.
CREATE TABLE mfa_backup_codes (
  id        INTEGER PRIMARY KEY,
  method_id INTEGER NOT NULL REFERENCES mfa_methods (id) ON DELETE CASCADE,
  code_hash TEXT    NOT NULL
) STRICT;

CREATE INDEX mfa_backup_codes_method ON mfa_backup_codes (method_id);

-- Ephemeral tokens of the second login step: only the SHA-256 of the token is kept; bound to a user
-- and one of their methods; deleted when used; `attempts` counts codes tried (carried over when
-- change-method or resend replace the token), past MFA_MAX_ATTEMPTS the token is dead.
CREATE TABLE mfa_login_tokens (
  id         INTEGER PRIMARY KEY,
  token_hash TEXT    NOT NULL UNIQUE,
  user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  method_id  INTEGER NOT NULL REFERENCES mfa_methods (id) ON DELETE CASCADE,
  attempts   INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT;

CREATE INDEX mfa_login_tokens_expiry ON mfa_login_tokens (expires_at);
