INSERT INTO users (email, password_hash, is_admin, created_at)
VALUES (:email, :password_hash, :is_admin, :created_at)
