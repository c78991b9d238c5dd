-- Twin of sqlite/0006: the hex SHA-256 of each refresh token as issued.
ALTER TABLE refresh_tokens ADD COLUMN token_hash TEXT;
