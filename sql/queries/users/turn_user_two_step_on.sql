-- On, with the key the page showed and the step of the code that proved it: of two
-- requests at once, one turns it on.
UPDATE users
   SET two_step_on_since = :on_since,
       two_step_last_step = :step
 WHERE id = :id
   AND two_step_on_since IS NULL
   AND two_step_key = :two_step_key
