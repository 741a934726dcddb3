SELECT COUNT(*) AS total
  FROM users
