-- Use the link, once: of two requests with it, only one gets the row back.
DELETE FROM pending_sign_ups
 WHERE token_hash = :token_hash
   AND expires_at > :now
RETURNING email, password_hash
