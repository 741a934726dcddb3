WITH RECURSIVE numbers (n) AS (
    SELECT :first
     UNION ALL
    SELECT n + 1 FROM numbers WHERE n < :last
)
INSERT INTO users (email, password_hash, is_admin, created_at)
SELECT 'bench-user-' || n || '@example.com', :password_hash, 0, :created_at
  FROM numbers
