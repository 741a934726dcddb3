DELETE FROM pending_sign_ins
 WHERE expires_at <= :before
