-- A passkey used: its counter moves on only forward, so of two answers with the same counter
-- at once, one gets a row back.
UPDATE passkeys
   SET sign_count = :sign_count,
       last_used_at = :now
 WHERE credential_id = :credential_id
   AND (sign_count < :sign_count OR :sign_count = 0)
RETURNING credential_id
