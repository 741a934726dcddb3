DELETE FROM pending_sign_ups
 WHERE expires_at < :before
