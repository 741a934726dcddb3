SELECT user_id, remembered, next_path, after_reset, tries, expires_at
  FROM pending_sign_ins
 WHERE token_hash = :token_hash
   AND expires_at > :now
