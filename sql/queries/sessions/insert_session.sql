INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, idle_expires_at, remembered,
                      client_address, browser)
VALUES (:token_hash, :user_id, :created_at, :created_at, :expires_at, :idle_expires_at, :remembered,
        :client_address, :browser)
RETURNING id, user_id, created_at, last_seen_at, expires_at, idle_expires_at, remembered, client_address, browser
