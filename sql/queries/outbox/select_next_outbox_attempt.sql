-- When the next unsent message falls due (no row: none waits), so the delivery task sleeps
-- until then rather than asking again and again.
SELECT next_attempt_at
  FROM outbox
 WHERE sent_at IS NULL
 ORDER BY next_attempt_at
 LIMIT 1
