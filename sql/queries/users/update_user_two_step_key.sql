-- A new authenticator key for setting up two-step sign-in: only while it is off.
UPDATE users
   SET two_step_key = :two_step_key
 WHERE id = :id
   AND two_step_on_since IS NULL
