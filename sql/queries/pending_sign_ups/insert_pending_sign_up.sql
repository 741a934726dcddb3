INSERT INTO pending_sign_ups (token_hash, email, password_hash, created_at, expires_at)
VALUES (:token_hash, :email, :password_hash, :created_at, :expires_at)
