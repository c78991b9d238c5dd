-- Authentication: sessions, refresh-token records, JWT signing keys (twin of sqlite/0003_auth.sql). Times are unix ms.

CREATE TABLE sessions (
  id             TEXT    PRIMARY KEY,
  user_id        BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at     BIGINT  NOT NULL,
  last_used_at   BIGINT  NOT NULL,
  expires_at     BIGINT  NOT NULL,
  user_agent     TEXT    NOT NULL DEFAULT '',
  ip             TEXT    NOT NULL DEFAULT '',
  revoked_at     BIGINT,
  revoked_reason TEXT,
  key_hash       TEXT
);

CREATE INDEX sessions_user ON sessions (user_id);
CREATE UNIQUE INDEX sessions_key_hash ON sessions (key_hash) WHERE key_hash IS NOT NULL;

CREATE TABLE refresh_tokens (
  jti         TEXT    PRIMARY KEY,
  session_id  TEXT    NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  issued_at   BIGINT  NOT NULL,
  expires_at  BIGINT  NOT NULL,
  rotated_at  BIGINT,
  replaced_by TEXT
);

CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

CREATE TABLE signing_keys (
  kid         TEXT    PRIMARY KEY,
  alg         TEXT    NOT NULL,
  public_jwk  TEXT    NOT NULL,
  private_jwk TEXT    NOT NULL,
  created_at  BIGINT  NOT NULL,
  retired_at  BIGINT
);

CREATE INDEX signing_keys_alg ON signing_keys (alg, created_at);
