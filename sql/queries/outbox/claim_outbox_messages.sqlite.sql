-- Claim the messages due, oldest first, until :until: SQLite's one writer at a time means
-- no two workers claim one message.
UPDATE outbox
   SET claimed_until = :until,
       attempts = attempts + 1
 WHERE id IN (SELECT id
                FROM outbox
               WHERE sent_at IS NULL
                 AND next_attempt_at <= :now
                 AND (claimed_until IS NULL OR claimed_until <= :now)
               ORDER BY id
               LIMIT :limit)
RETURNING id, recipient, subject, text_body, html_body, attempts
