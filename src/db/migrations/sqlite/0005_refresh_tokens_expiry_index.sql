-- Every refresh deletes its session's expired refresh-token rows. Indexed by session alone, that DELETE
-- walked every row the session ever had (one per refresh in the last REFRESH_TOKEN_LIFETIME: ~290 a day
-- at a 5-minute access token, ~110 µs a refresh); with expires_at in the index it seeks to just the
-- expired ones. The new index still serves lookups by session_id (cascade from sessions).
CREATE INDEX refresh_tokens_session_expiry ON refresh_tokens (session_id, expires_at);
DROP INDEX refresh_tokens_session;
