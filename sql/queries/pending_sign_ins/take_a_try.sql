-- A try at the second step, taken before the code is checked: of requests at once, no more
-- than the tries left get a row back. Nothing comes back when the sign-in has ended.
UPDATE pending_sign_ins
   SET tries = tries + 1
 WHERE token_hash = :token_hash
   AND expires_at > :now
   AND tries < :max_tries
RETURNING user_id, remembered, next_path, after_reset, tries, expires_at
