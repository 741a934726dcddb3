-- The change of address the user asked for and has not made yet (a working link).
SELECT new_email, expires_at
  FROM email_tokens
 WHERE user_id = :user_id
   AND purpose = :purpose
   AND expires_at > :now
 ORDER BY id DESC
 LIMIT 1
