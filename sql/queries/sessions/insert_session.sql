-- The user's last sign-in becomes this session's previous one (see update_user_last_sign_in).
-- Signing in takes the password: the session starts reauthenticated.
INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, idle_expires_at, remembered,
                      kind, client_address, browser,
                      previous_sign_in_at, previous_sign_in_browser, previous_sign_in_address, reauthenticated_at)
SELECT :token_hash, u.id, :created_at, :created_at, :expires_at, :idle_expires_at, :remembered,
       :kind, :client_address, :browser,
       u.last_sign_in_at, u.last_sign_in_browser, u.last_sign_in_address, :created_at
  FROM users AS u
 WHERE u.id = :user_id
RETURNING id, user_id, created_at, last_seen_at, expires_at, idle_expires_at, remembered, kind, client_address, browser,
          previous_sign_in_at, previous_sign_in_browser, previous_sign_in_address, reauthenticated_at
