SELECT COUNT(*) AS trusted
  FROM trusted_browsers
 WHERE user_id = :user_id
   AND expires_at > :now
