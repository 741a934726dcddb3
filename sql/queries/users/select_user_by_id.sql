SELECT id, email, password_hash, is_admin, created_at, disabled_at, email_verified_at
  FROM users
 WHERE id = :id
