DELETE FROM sessions
 WHERE user_id = :user_id
   AND (expires_at <= :now OR idle_expires_at <= :now)
