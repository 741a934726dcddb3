INSERT INTO passkey_challenges (challenge_hash, browser_hash, purpose, user_id, created_at, expires_at)
VALUES (:challenge_hash, :browser_hash, :purpose, :user_id, :created_at, :expires_at)
