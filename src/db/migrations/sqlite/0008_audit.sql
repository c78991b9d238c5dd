-- The audit log: one row per security event (login, logout, refresh reuse, password and e-mail
-- changes, admin CLI actions, ...). Written in the transaction of the event it records; rows older than
-- AUDIT_LOG_RETENTION are deleted by housekeeping. `detail` is a small JSON object that never holds a
-- password, token or code. Times are unix ms.
CREATE TABLE audit_log (
  id         INTEGER PRIMARY KEY,
  at         INTEGER NOT NULL,
  event      TEXT    NOT NULL,
  user_id    INTEGER,                                    -- no foreign key: the record outlives the account
  session_id TEXT,
  ip         TEXT    NOT NULL DEFAULT '',
  user_agent TEXT    NOT NULL DEFAULT '',
  detail     TEXT    NOT NULL DEFAULT '{}'
) STRICT;

CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_user ON audit_log (user_id, at);
