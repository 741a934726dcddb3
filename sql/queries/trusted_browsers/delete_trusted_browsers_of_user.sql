DELETE FROM trusted_browsers
 WHERE user_id = :user_id
