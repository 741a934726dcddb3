DELETE FROM pending_sign_ins
 WHERE user_id = :user_id
