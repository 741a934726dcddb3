-- Newest first from :before_id down, optionally of one email and one event; each filter
-- an index of its own (security_log_email_idx, security_log_event_idx), read in id order.
SELECT id, at, user_id, email, event, client_address, browser, detail
  FROM security_log
 WHERE id < :before_id
   AND (:email = '' OR email = :email)
   AND (:event = '' OR event = :event)
 ORDER BY id DESC
 LIMIT :limit
