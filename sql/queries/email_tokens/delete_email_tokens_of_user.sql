-- Asking for a new link kills the older links of that purpose.
DELETE FROM email_tokens
 WHERE user_id = :user_id
   AND purpose = :purpose
