-- Users and the outbox (the dev mailer).

CREATE TABLE users (
  id             INTEGER PRIMARY KEY,
  username       TEXT    NOT NULL COLLATE NOCASE UNIQUE,
  email          TEXT    NOT NULL COLLATE NOCASE UNIQUE,  -- stored lower-cased
  password_hash  TEXT    NOT NULL,
  first_name     TEXT    NOT NULL DEFAULT '',
  last_name      TEXT    NOT NULL DEFAULT '',
  email_verified INTEGER NOT NULL DEFAULT 0,
  is_active      INTEGER NOT NULL DEFAULT 1,
  date_joined    INTEGER NOT NULL,                         -- unix ms
  last_login     INTEGER                                   -- unix ms
) STRICT;

CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY,
  recipient       TEXT    NOT NULL,
  subject         TEXT    NOT NULL,
  text_body       TEXT    NOT NULL,
  html_body       TEXT,
  kind            TEXT    NOT NULL,
  created_at      INTEGER NOT NULL,                        -- unix ms
  sent_at         INTEGER,
  attempts        INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT,
  next_attempt_at INTEGER NOT NULL                         -- unix ms; the SMTP worker picks rows due by now
) STRICT;

CREATE INDEX outbox_pending ON outbox (next_attempt_at) WHERE sent_at IS NULL;
