-- Authentication: sessions, refresh tokens, token-mode keys, signing keys (issue 4 fills this in).
SELECT 1;
