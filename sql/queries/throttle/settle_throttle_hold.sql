-- An attempt that held places failed: its rows count from now on, as failures at :at.
UPDATE throttle_events
   SET hold = NULL, at = :at
 WHERE hold = :hold
