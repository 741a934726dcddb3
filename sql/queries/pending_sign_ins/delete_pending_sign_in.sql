DELETE FROM pending_sign_ins
 WHERE token_hash = :token_hash
