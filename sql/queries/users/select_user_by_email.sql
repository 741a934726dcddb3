SELECT id, email, password_hash, is_admin, created_at
  FROM users
 WHERE email = :email
