-- SQLite transactions here begin IMMEDIATE: one writer at a time, so no lock is needed.
SELECT id
  FROM users
 WHERE is_admin
   AND disabled_at IS NULL
