INSERT INTO pending_sign_ins (token_hash, user_id, remembered, next_path, after_reset, created_at, expires_at)
VALUES (:token_hash, :user_id, :remembered, :next_path, :after_reset, :created_at, :expires_at)
