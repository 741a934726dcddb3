UPDATE sessions
   SET last_seen_at = :last_seen_at
 WHERE id = :id
