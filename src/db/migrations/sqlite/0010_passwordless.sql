-- Passwordless sign-in (API.md §8.3): passkeys (WebAuthn credentials), their ceremony challenges, and
-- e-mailed sign-in links. Times are unix ms.
CREATE TABLE passkeys (
  id            INTEGER PRIMARY KEY,
  user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  credential_id TEXT    NOT NULL UNIQUE,  -- base64url, as the authenticator names it
  public_key    TEXT    NOT NULL,         -- base64url COSE key
  counter       INTEGER NOT NULL,         -- signature counter; a login presenting a lower one is refused
  transports    TEXT    NOT NULL,         -- JSON array of transport hints
  name          TEXT    NOT NULL,
  created_at    INTEGER NOT NULL,
  last_used_at  INTEGER
) STRICT;

CREATE INDEX passkeys_user ON passkeys (user_id);

CREATE TABLE webauthn_challenges (
  id         INTEGER PRIMARY KEY,
  purpose    TEXT    NOT NULL,            -- 'register' or 'login'
  key_hash   TEXT    NOT NULL UNIQUE,     -- sha256 hex: of the challenge (register) or of the challenge_token (login)
  user_id    INTEGER REFERENCES users (id) ON DELETE CASCADE, -- register: the signed-in user it is bound to
  challenge  TEXT    NOT NULL,            -- base64url; public (sent to the browser), the key is what authorizes
  expires_at INTEGER NOT NULL
) STRICT;

CREATE INDEX webauthn_challenges_expires ON webauthn_challenges (expires_at);

CREATE TABLE login_links (
  id         INTEGER PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash TEXT    NOT NULL UNIQUE,     -- sha256 hex of the e-mailed token
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,            -- LOGIN_LINK_LIFETIME after creation
  used_at    INTEGER                      -- set once: links are single-use
) STRICT;

CREATE INDEX login_links_user ON login_links (user_id);
