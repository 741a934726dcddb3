-- An attempt that held places did not fail: it leaves nothing to count.
DELETE FROM throttle_events
 WHERE hold = :hold
