-- Newest first from :before_id down, optionally of one email and one event; each filter
-- an index of its own (audit_log_email_idx, audit_log_event_idx), read in id order.
SELECT id, at, user_id, email, event, client_address, browser, detail
  FROM audit_log
 WHERE id < :before_id
   AND (:email = '' OR email = :email)
   AND (:event = '' OR event = :event)
 ORDER BY id DESC
 LIMIT :limit
