-- Social login: accounts at OAuth 2 / OpenID Connect providers linked to users, and the pending browser flows.

CREATE TABLE social_accounts (
  id          INTEGER PRIMARY KEY,
  user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  provider    TEXT    NOT NULL,         -- the provider's slug in SOCIAL_PROVIDERS
  uid         TEXT    NOT NULL,         -- the provider's id of the account (`sub`, GitHub's id, ...)
  email       TEXT,                     -- the address the provider gave when it was linked
  date_joined INTEGER NOT NULL,         -- unix ms
  last_login  INTEGER,                  -- unix ms
  UNIQUE (provider, uid)                -- one provider account belongs to one user
) STRICT;

CREATE INDEX social_accounts_user ON social_accounts (user_id);

-- A browser flow between GET authorize/ and GET callback/: single-use, short-lived, found by the state's SHA-256.
CREATE TABLE social_states (
  id            INTEGER PRIMARY KEY,
  state_hash    TEXT    NOT NULL UNIQUE,  -- sha256 hex of `state` (the same value is in the HttpOnly cookie)
  provider      TEXT    NOT NULL,
  code_verifier TEXT    NOT NULL,         -- PKCE (S256)
  nonce         TEXT,                     -- OpenID Connect providers only
  next_url      TEXT    NOT NULL,         -- checked against the allowed origins when stored and when used
  user_id       INTEGER REFERENCES users (id) ON DELETE CASCADE,  -- set when connecting to a signed-in user
  created_at    INTEGER NOT NULL,         -- unix ms
  expires_at    INTEGER NOT NULL          -- unix ms
) STRICT;

CREATE INDEX social_states_expiry ON social_states (expires_at);
