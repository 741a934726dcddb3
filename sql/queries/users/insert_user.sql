INSERT INTO users (email, password_hash, is_admin, created_at)
VALUES (:email, :password_hash, :is_admin, :created_at)
RETURNING id, email, password_hash, is_admin, created_at, disabled_at, email_verified_at,
       two_step_key, two_step_on_since, two_step_last_step
