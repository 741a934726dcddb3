INSERT INTO users (email, password_hash, is_admin, created_at)
SELECT 'bench-user-' || n || '@example.com', :password_hash, FALSE, :created_at
  FROM generate_series(:first::bigint, :last::bigint) AS n
