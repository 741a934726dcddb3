SELECT COUNT(*) AS left_over
  FROM recovery_codes
 WHERE user_id = :user_id
