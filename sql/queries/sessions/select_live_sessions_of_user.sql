SELECT id, user_id, created_at, last_seen_at, expires_at, idle_expires_at, remembered, client_address, browser
  FROM sessions
 WHERE user_id = :user_id
   AND expires_at > :now
   AND idle_expires_at > :now
 ORDER BY last_seen_at DESC, id DESC
