-- The hex SHA-256 of each refresh token as issued. A refresh token presented byte for byte as recorded
-- for its jti is one authkit signed, so its signature is not computed again (an EdDSA check is ~90 µs);
-- any other string naming that jti is signature-checked as before, as are rows from before this column.
ALTER TABLE refresh_tokens ADD COLUMN token_hash TEXT;
