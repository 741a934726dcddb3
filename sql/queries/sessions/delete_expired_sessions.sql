DELETE FROM sessions
 WHERE expires_at <= :now
    OR idle_expires_at <= :now
