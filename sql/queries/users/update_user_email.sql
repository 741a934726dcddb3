-- The address moves, proven by the link that was mailed to it.
UPDATE users
   SET email = :email,
       email_verified_at = :verified_at
 WHERE id = :id
