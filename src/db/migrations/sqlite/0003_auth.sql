-- Authentication: server-side sessions (every login makes one), refresh-token records for rotation and
-- reuse detection, and the JWT signing keys. Times are unix ms.

-- One row per login. JWT mode: access and refresh tokens carry `id` as `sid` and are honoured only while
-- the row is live (revoked_at IS NULL AND expires_at > now). Token mode: the opaque key's SHA-256 is
-- `key_hash`; the key itself is never stored.
CREATE TABLE sessions (
  id             TEXT    PRIMARY KEY,                      -- random, base64url
  user_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at     INTEGER NOT NULL,
  last_used_at   INTEGER NOT NULL,                         -- bumped at most once a minute
  expires_at     INTEGER NOT NULL,                         -- slides forward with each refresh (JWT mode)
  user_agent     TEXT    NOT NULL DEFAULT '',
  ip             TEXT    NOT NULL DEFAULT '',
  revoked_at     INTEGER,
  revoked_reason TEXT,                                     -- logout | password_change | password_reset | refresh_reuse | ...
  key_hash       TEXT                                      -- token mode: hex SHA-256 of the key
) STRICT, WITHOUT ROWID;

CREATE INDEX sessions_user ON sessions (user_id);
CREATE UNIQUE INDEX sessions_key_hash ON sessions (key_hash) WHERE key_hash IS NOT NULL;

-- One row per refresh token issued (JWT mode), keyed by its `jti`. Rotation sets rotated_at and
-- replaced_by; presenting a rotated token again after REFRESH_TOKEN_REUSE_INTERVAL revokes the session.
CREATE TABLE refresh_tokens (
  jti         TEXT    PRIMARY KEY,
  session_id  TEXT    NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  issued_at   INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  rotated_at  INTEGER,
  replaced_by TEXT
) STRICT, WITHOUT ROWID;

CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

-- Asymmetric signing keys (EdDSA, RS256, ES256) as JWKs. The newest unretired key of the configured
-- algorithm signs; retired keys still verify (and stay in the JWKS) until the tokens they signed expire.
-- HS256 uses SECRET_KEY and needs no row.
CREATE TABLE signing_keys (
  kid         TEXT    PRIMARY KEY,
  alg         TEXT    NOT NULL,
  public_jwk  TEXT    NOT NULL,                            -- JSON
  private_jwk TEXT    NOT NULL,                            -- JSON; the database file is owner-only
  created_at  INTEGER NOT NULL,
  retired_at  INTEGER
) STRICT, WITHOUT ROWID;

CREATE INDEX signing_keys_alg ON signing_keys (alg, created_at);
