UPDATE sessions
   SET last_seen_at = :last_seen_at,
       idle_expires_at = :idle_expires_at
 WHERE id = :id
