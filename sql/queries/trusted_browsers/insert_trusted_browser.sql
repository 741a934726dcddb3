-- Trusted again from now: a browser trusted before starts its 30 days over.
INSERT INTO trusted_browsers (user_id, browser_hash, created_at, expires_at)
VALUES (:user_id, :browser_hash, :created_at, :expires_at)
ON CONFLICT (user_id, browser_hash)
DO UPDATE SET created_at = excluded.created_at,
              expires_at = excluded.expires_at
