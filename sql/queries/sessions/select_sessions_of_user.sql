SELECT id, user_id, created_at, last_seen_at, expires_at, idle_expires_at, remembered, kind, client_address, browser,
       previous_sign_in_at, previous_sign_in_browser, previous_sign_in_address, reauthenticated_at
  FROM sessions
 WHERE user_id = :user_id
 ORDER BY created_at DESC, id DESC
