INSERT INTO email_tokens (user_id, purpose, token_hash, new_email, created_at, expires_at)
VALUES (:user_id, :purpose, :token_hash, :new_email, :created_at, :expires_at)
