-- Accounts: e-mail verification keys, password reset tokens, pending e-mail changes.
-- Keys and tokens are random; only their SHA-256 is stored, so a copy of the database cannot be used to log in.

-- A new address the user asked for, kept here until its key is verified (lower-cased; NULL when none).
ALTER TABLE users ADD COLUMN pending_email TEXT;
CREATE INDEX users_pending_email ON users (pending_email) WHERE pending_email IS NOT NULL;

CREATE TABLE email_confirmations (
  id         INTEGER PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  email      TEXT    NOT NULL,         -- the address the key proves (the account's, or a pending new one)
  key_hash   TEXT    NOT NULL UNIQUE,  -- sha256 hex of the e-mailed key
  created_at INTEGER NOT NULL,         -- unix ms
  expires_at INTEGER NOT NULL,         -- unix ms; EMAIL_CONFIRMATION_EXPIRE after creation
  used_at    INTEGER                   -- unix ms; set once, keys are single-use
) STRICT;

CREATE INDEX email_confirmations_user ON email_confirmations (user_id);

CREATE TABLE password_resets (
  id         INTEGER PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash TEXT    NOT NULL,         -- sha256 hex of the e-mailed token
  created_at INTEGER NOT NULL,         -- unix ms
  expires_at INTEGER NOT NULL,         -- unix ms; PASSWORD_RESET_TIMEOUT after creation
  used_at    INTEGER                   -- unix ms; set on use, and on every other token of the user then
) STRICT;

CREATE INDEX password_resets_user ON password_resets (user_id);
