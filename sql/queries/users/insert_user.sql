INSERT INTO users (email, password_hash, is_admin, created_at)
VALUES (:email, :password_hash, :is_admin, :created_at)
RETURNING id, email, password_hash, is_admin, created_at, disabled_at, email_verified_at
