-- Locked until the transaction ends: two admins demoting each other at once cannot both
-- see the other as the admin who remains.
SELECT id
  FROM users
 WHERE is_admin
   AND disabled_at IS NULL
   FOR UPDATE
