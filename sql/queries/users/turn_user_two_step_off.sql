UPDATE users
   SET two_step_key = NULL,
       two_step_on_since = NULL,
       two_step_last_step = NULL
 WHERE id = :id
