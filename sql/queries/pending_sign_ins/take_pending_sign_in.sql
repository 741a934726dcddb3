-- Finish the sign-in, once: of two requests with it, one gets the row back.
DELETE FROM pending_sign_ins
 WHERE token_hash = :token_hash
   AND expires_at > :now
RETURNING user_id
