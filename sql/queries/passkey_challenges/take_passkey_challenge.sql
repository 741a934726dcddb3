-- A challenge used: gone whatever the answer was, so it is never used twice. Nothing comes
-- back when it has expired, or was handed to another browser or for something else.
DELETE FROM passkey_challenges
 WHERE challenge_hash = :challenge_hash
   AND browser_hash = :browser_hash
   AND purpose = :purpose
   AND expires_at > :now
RETURNING user_id
