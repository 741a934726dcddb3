-- A code counts once: only a time step later than the last one accepted is taken, so of
-- the same code posted twice, from any workers, one request gets the row.
UPDATE users
   SET two_step_last_step = :step
 WHERE id = :id
   AND two_step_on_since IS NOT NULL
   AND (two_step_last_step IS NULL OR two_step_last_step < :step)
