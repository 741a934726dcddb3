SELECT COUNT(*) AS unsent
  FROM outbox
 WHERE sent_at IS NULL
