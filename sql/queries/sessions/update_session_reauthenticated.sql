UPDATE sessions
   SET reauthenticated_at = :reauthenticated_at
 WHERE id = :id
