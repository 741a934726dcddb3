UPDATE outbox
   SET sent_at = :sent_at,
       claimed_until = NULL,
       last_error = NULL
 WHERE id = :id
