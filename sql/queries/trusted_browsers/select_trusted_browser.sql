SELECT expires_at
  FROM trusted_browsers
 WHERE user_id = :user_id
   AND browser_hash = :browser_hash
   AND expires_at > :now
