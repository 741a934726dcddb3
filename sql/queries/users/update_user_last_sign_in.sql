UPDATE users
   SET last_sign_in_at = :signed_in_at,
       last_sign_in_browser = :browser,
       last_sign_in_address = :client_address
 WHERE id = :id
