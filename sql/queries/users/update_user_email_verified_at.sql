UPDATE users
   SET email_verified_at = :verified_at
 WHERE id = :id
