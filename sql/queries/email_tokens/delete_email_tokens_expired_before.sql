DELETE FROM email_tokens
 WHERE expires_at < :before
