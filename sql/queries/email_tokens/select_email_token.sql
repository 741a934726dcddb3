-- The link's account (and new address) while the link still works.
SELECT user_id, new_email
  FROM email_tokens
 WHERE token_hash = :token_hash
   AND purpose = :purpose
   AND expires_at > :now
