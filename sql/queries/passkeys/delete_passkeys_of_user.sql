DELETE FROM passkeys
 WHERE user_id = :user_id
