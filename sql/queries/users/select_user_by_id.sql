SELECT id, email, password_hash, is_admin, created_at, disabled_at
  FROM users
 WHERE id = :id
