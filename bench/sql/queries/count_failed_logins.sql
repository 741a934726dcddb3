-- Every failed login the security log holds: each one was a password checked.
SELECT COUNT(*) AS total
  FROM security_log
 WHERE event = 'login_failed'
