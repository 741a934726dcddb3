UPDATE users
   SET is_admin = :is_admin
 WHERE id = :id
