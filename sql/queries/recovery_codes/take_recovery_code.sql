-- Use a recovery code, once: of two requests with it, one gets the row back.
DELETE FROM recovery_codes
 WHERE user_id = :user_id
   AND code_hash = :code_hash
RETURNING user_id
