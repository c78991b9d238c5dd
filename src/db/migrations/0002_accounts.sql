-- Accounts: e-mail confirmation keys, password reset tokens, pending e-mail changes (issue 3 fills this in).
SELECT 1;
