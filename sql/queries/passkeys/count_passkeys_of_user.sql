SELECT COUNT(*) AS passkeys
  FROM passkeys
 WHERE user_id = :user_id
