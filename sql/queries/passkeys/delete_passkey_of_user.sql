DELETE FROM passkeys
 WHERE credential_id = :credential_id
   AND user_id = :user_id
RETURNING name
