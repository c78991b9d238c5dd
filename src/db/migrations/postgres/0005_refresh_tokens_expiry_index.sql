-- Twin of sqlite/0005: expired refresh-token rows of a session are found by (session_id, expires_at).
CREATE INDEX refresh_tokens_session_expiry ON refresh_tokens (session_id, expires_at);
DROP INDEX refresh_tokens_session;
