DELETE FROM trusted_browsers
 WHERE expires_at <= :before
