DELETE FROM passkey_challenges
 WHERE expires_at <= :before
