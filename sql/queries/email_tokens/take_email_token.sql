-- Use the link, once: of two requests with it, only one gets the row back. An expired
-- link is left for `quartauth prune`.
DELETE FROM email_tokens
 WHERE token_hash = :token_hash
   AND purpose = :purpose
   AND expires_at > :now
RETURNING user_id, new_email
