-- Rate-limit counters (ACCOUNT_RATE_LIMITS): one row per bucket (action, scope, period and who), a fixed
-- window that starts at its first hit. In the database so that limits survive restarts and are shared by
-- every process on this file. Times are unix ms; rows whose window has ended are swept.
CREATE TABLE throttle (
  bucket   TEXT    PRIMARY KEY,                            -- hex SHA-256 of action|scope|period|who (no raw e-mails or IPs)
  hits     INTEGER NOT NULL,
  reset_at INTEGER NOT NULL                                -- end of the window
) STRICT, WITHOUT ROWID;

CREATE INDEX throttle_reset_at ON throttle (reset_at);
