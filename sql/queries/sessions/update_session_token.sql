-- A new token for a session whose password was just entered (changed or confirmed).
UPDATE sessions
   SET token_hash = :token_hash,
       reauthenticated_at = :reauthenticated_at
 WHERE id = :id
