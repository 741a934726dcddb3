UPDATE users
   SET disabled_at = :disabled_at
 WHERE id = :id
