SELECT s.token_hash,
       s.id           AS session_id,
       s.created_at   AS session_created_at,
       s.last_seen_at AS session_last_seen_at,
       s.expires_at   AS session_expires_at,
       s.idle_expires_at AS session_idle_expires_at,
       s.remembered   AS session_remembered,
       s.kind         AS session_kind,
       s.client_address AS session_client_address,
       s.browser      AS session_browser,
       s.previous_sign_in_at AS session_previous_sign_in_at,
       s.previous_sign_in_browser AS session_previous_sign_in_browser,
       s.previous_sign_in_address AS session_previous_sign_in_address,
       s.reauthenticated_at AS session_reauthenticated_at,
       u.id,
       u.email,
       u.password_hash,
       u.is_admin,
       u.created_at,
       u.disabled_at,
       u.email_verified_at,
       u.two_step_key,
       u.two_step_on_since,
       u.two_step_last_step
  FROM sessions AS s
  JOIN users AS u ON u.id = s.user_id
 WHERE s.token_hash = ANY(:token_hashes)
   AND s.expires_at > :now
   AND s.idle_expires_at > :now
   AND u.disabled_at IS NULL
