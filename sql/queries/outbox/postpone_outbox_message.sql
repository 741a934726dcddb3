-- Delivery failed: try again from :next_attempt_at.
UPDATE outbox
   SET next_attempt_at = :next_attempt_at,
       claimed_until = NULL,
       last_error = :last_error
 WHERE id = :id
