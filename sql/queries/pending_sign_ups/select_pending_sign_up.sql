-- The sign-up a link stands for, while the link still works.
SELECT email, password_hash
  FROM pending_sign_ups
 WHERE token_hash = :token_hash
   AND expires_at > :now
