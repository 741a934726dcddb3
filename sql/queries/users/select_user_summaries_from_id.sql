-- Newest first: ids grow with sign-ups, and the primary key keeps them in order.
SELECT u.id, u.email, u.is_admin, u.created_at, u.disabled_at, u.email_verified_at, u.two_step_on_since,
       u.last_sign_in_at, u.last_sign_in_browser, u.last_sign_in_address,
       (SELECT COUNT(*)
          FROM sessions AS s
         WHERE s.user_id = u.id
           AND s.expires_at > :now
           AND s.idle_expires_at > :now) AS live_sessions
  FROM users AS u
 WHERE u.id <= :start_id
 ORDER BY u.id DESC
 LIMIT :limit
