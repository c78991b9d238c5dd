-- Rate-limit counters (twin of sqlite/0004_throttle.sql): shared by every instance on this database.
CREATE TABLE throttle (
  bucket   TEXT    PRIMARY KEY,
  hits     INTEGER NOT NULL,
  reset_at BIGINT  NOT NULL
);

CREATE INDEX throttle_reset_at ON throttle (reset_at);
