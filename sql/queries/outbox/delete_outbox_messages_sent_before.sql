DELETE FROM outbox
 WHERE sent_at < :before
