SELECT id, at, user_id, email, event, client_address, browser, detail
  FROM audit_log
 WHERE user_id = :user_id
 ORDER BY id DESC
 LIMIT :limit
