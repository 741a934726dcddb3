-- A security change (password changed or reset, email changed, logged out everywhere
-- else, disabled) kills every link of the account, whatever its purpose.
DELETE FROM email_tokens
 WHERE user_id = :user_id
